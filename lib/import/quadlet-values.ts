/**
 * Quadlet values as typed prop values: a key's values by how quadlet parses it (the key table's
 * parse mode), only where the library writes them back as they were; the small parsers the
 * quadlet import shares between units and drop-ins.
 */
import { encodeValue } from '../render/encode';
import { literalOf, SystemdText } from '../render/systemd-value';
import { KeyInfo } from '../quadlet/keys';
import { Mount, mountSpec } from '../quadlet/mounts';
import { PortMapping, publishSpec } from '../quadlet/ports';
import { Call, Decl, Ref, Value } from './model';
import { systemdSafe } from './values';
import { systemdSplit } from './words';

/** The typed prop value of a key given `values` (in order), or undefined to keep them as written. */
export function typedKeyValue(info: KeyInfo, values: readonly string[]): Value | undefined {
  const last = info.parse === 'single' ? unquoteSingle(values[values.length - 1]) : values[values.length - 1];
  let value: Value;
  let check: unknown;
  switch (info.parse) {
    case 'bool':
      value = bool(last);
      check = value;
      break;
    case 'int':
      value = /^-?\d+$/.test(last) ? parseInt(last, 10) : undefined;
      check = value;
      break;
    case 'single':
      value = systemdSafe(last);
      check = unit(last);
      break;
    case 'multi-raw':
      if (values.some((v) => v === '')) break;
      value = values.map(systemdSafe);
      check = values.map(unit);
      break;
    case 'multi-words':
    case 'multi-args':
    case 'last-args': {
      const split = (info.parse === 'last-args' ? [last] : values).map((v) => systemdSplit(v, true));
      if (split.some((w) => w === undefined)) break;
      const words = split.flat() as string[];
      if (words.length === 0) break;
      value = words.map(systemdSafe);
      check = words.map(unit);
      break;
    }
    case 'multi-keyval': {
      const rec: Record<string, Value> = {};
      const chk: Record<string, unknown> = {};
      let ok = true;
      for (const w of values.flatMap((v) => systemdSplit(v, true) ?? ['='])) {
        const i = w.indexOf('=');
        if (i <= 0) ok = false;
        else {
          rec[w.slice(0, i)] = systemdSafe(w.slice(i + 1));
          chk[w.slice(0, i)] = unit(w.slice(i + 1));
        }
      }
      if (ok && Object.keys(rec).length) {
        value = rec;
        check = chk;
      }
      break;
    }
  }
  if (value === undefined || !encodeValue(info.parse, check as any).ok || (info.parse === 'single' && values.length > 1)) return undefined;
  return value;
}

/** Quadlet strips the quotes around a single value (`Image="x"` is `x`); inner quotes stay. */
export function unquoteSingle(v: string): string {
  return /^"[^"]*"$/.test(v) ? v.slice(1, -1) : v;
}

export function unit(s: string): string | SystemdText {
  return /[%$]/.test(s) ? new SystemdText(s) : s;
}

export function bool(v: string): boolean | undefined {
  if (/^(1|yes|true|on)$/i.test(v)) return true;
  if (/^(0|no|false|off)$/i.test(v)) return false;
  return undefined;
}

export function camel(k: string): string {
  return k[0].toLowerCase() + k.slice(1);
}

/** A `PublishPort=` value as a typed mapping, only when the library writes it back identically. */
export function portOf(v: string): Value | undefined {
  const m = /^(?:(\[[0-9a-fA-F:]+\]|[0-9.]+|):)?(?:(\d+):)?(\d+)(?:\/(tcp|udp))?$/.exec(v);
  if (!m) return undefined;
  const [, ipRaw, host, container, proto] = m;
  if (host === undefined) return undefined;
  const ip = ipRaw?.replace(/^\[|\]$/g, '');
  if (ip === '' || ip === '0.0.0.0' || ip === '::') return undefined;
  const mapping: Record<string, Value> = { container: parseInt(container, 10) };
  if (host !== container) mapping.host = parseInt(host, 10);
  if (proto === 'udp') mapping.protocol = 'udp';
  if (ipRaw === undefined) mapping.public = true;
  else if (ip !== '127.0.0.1') mapping.bind = ip;
  const spec = publishSpec(mapping as unknown as PortMapping);
  return spec === v && literalOf(spec) === v ? mapping : undefined;
}

/** A `Volume=` value as a typed mount, only when the library writes it back identically. */
export function mountOf(v: string, byFile: ReadonlyMap<string, { readonly decl: Decl }>): Value | undefined {
  const parts = v.split(':');
  if (parts.length < 2 || parts.length > 3) return undefined;
  const [src, dst, opts] = parts;
  const options = opts ? opts.split(',') : [];
  const readOnly = options[0] === 'ro';
  const rest = readOnly ? options.slice(1) : options;
  if (rest.includes('ro') || options.some((o) => o === '')) return undefined;
  let source: Value;
  let check: Mount;
  const unit = src.endsWith('.volume') ? byFile.get(src) : undefined;
  if (unit) {
    source = new Ref(unit.decl);
    check = { volume: { volumeName: '', volumeRef: src }, path: dst };
  } else if (/^(\/|%h(\/|$)|\.\/)/.test(src)) {
    source = systemdSafe(src);
    check = { hostPath: /[%$]/.test(src) ? new SystemdText(src) : src, path: dst };
  } else if (/^[A-Za-z0-9][A-Za-z0-9_.-]*$/.test(src)) {
    source = new Call('Volume.fromName', [src]);
    check = { volume: { volumeName: src, volumeRef: src }, path: dst };
  } else return undefined;
  if (!dst.startsWith('/') || /[%$]/.test(dst)) return undefined;
  const m: Record<string, Value> = 'volume' in check ? { volume: source, path: dst } : { hostPath: source, path: dst };
  if (readOnly) m.readOnly = true;
  if (rest.length) m.options = rest;
  const spec = mountSpec({ ...check, readOnly, options: rest.length ? rest : undefined } as Mount);
  return spec.text === v ? m : undefined;
}
