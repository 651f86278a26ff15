import { defineCodes } from '../core/diagnostics';

/**
 * Diagnostics about site configuration files (site.toml). Stable: never renumber, only add.
 * Every message starts with the file and the key: `site.toml: [images] openwebui: ...`.
 */
export const CONFIG_CODES = defineCodes({
  CONFIG001: { title: 'config file cannot be read', hint: 'check the path (relative paths are relative to the working directory of the synth) and the file permissions' },
  CONFIG002: { title: 'config file is not valid TOML', hint: 'fix the syntax at the line and column given; strings need quotes, tables are [name], arrays are [a, b]' },
  CONFIG003: { title: 'unknown key in config file', hint: 'check the spelling against docs/site-config.md; unknown keys are errors so that a typo never silently keeps a default' },
  CONFIG004: { title: 'config value has the wrong type or form', hint: 'give the value in the form docs/site-config.md describes for that key' },
  CONFIG005: { title: 'required config key is missing', hint: 'add the key; docs/site-config.md lists the required keys of each table' },
  CONFIG006: { title: 'image in config is not a pinned, fully qualified reference', hint: 'write registry/path:version (e.g. docker.io/library/postgres:16.4), or use a table { ref = "...", allow_floating_tag = "why" } for a tag that moves, or allow_short_name = "why" for an image built or tagged on the host' },
  CONFIG007: { title: 'the site code asks for a key the config file lacks', hint: 'add the key to the config file (the message names the table), or fix the name in the code' },
  CONFIG008: { title: 'config values contradict each other', hint: 'make the keys agree: a site\'s host must be a [hosts] entry, site names must be unique, bind must be an IP address' },
  CONFIG009: { title: 'config key is a name every JavaScript object has', hint: 'rename the key: __proto__, constructor, prototype and the names objects inherit (toString, hasOwnProperty, ...) cannot be config keys' },
  CONFIG010: { title: 'config file nests too deep', hint: 'no key of docs/site-config.md is deeper than 4 levels; remove the extra nesting' },
});
