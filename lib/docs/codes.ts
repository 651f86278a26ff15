import { defineCodes } from '../core/diagnostics';

/** Diagnostics of the docs renderer. */
export const DOCS_CODES = defineCodes({
  DOCS001: {
    title: 'invalid docs file name',
    hint: 'give a relative path ending in .md without ".." segments, e.g. sodimo.md or units/sodimo.md',
  },
});
