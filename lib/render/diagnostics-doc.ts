import { allCodes } from '../core/diagnostics';

/** docs/diagnostics.md: every diagnostic code, what it means and how to fix it. */
export function renderDiagnosticsDoc(): string {
  const lines = [
    '# Diagnostics',
    '',
    '<!-- Generated from the code catalogue by `npx projen docs`. Do not edit. -->',
    '',
    'Every problem synth finds has a stable code, the construct path that caused it, a message and a fix.',
    'Synth lists all of them at once and writes nothing while any error remains.',
    '',
    '| code | severity | meaning | how to fix it |',
    '| --- | --- | --- | --- |',
  ];
  for (const [code, info] of allCodes()) {
    const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');
    lines.push(`| ${code} | ${info.severity ?? 'error'} | ${cell(info.title)} | ${cell(info.hint)} |`);
  }
  return lines.join('\n') + '\n';
}
