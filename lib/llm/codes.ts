import { defineCodes } from '../core/diagnostics';

/**
 * Diagnostics of the LLM layer. Stable: never renumber, only add. docs/llm.md lists each with the
 * loader (llama-swap or LiteLLM) or site policy it comes from.
 */
export const LLM_CODES = defineCodes({
  // llama-swap models, groups and settings
  LLM001: { title: 'model proxy is not the model itself', hint: 'leave proxy unset (it is http://127.0.0.1:${PORT}): llama-swap and its llama-server share one network namespace, and a container name or another host makes a round trip that fails (the self-proxy rule)' },
  LLM002: { title: 'unknown llama-swap macro', hint: 'llama-swap rejects the whole file for a ${...} it cannot expand and has no escape for it; use a declared macro, ${PORT}, ${MODEL_ID} or ${env.NAME}, or write $NAME without braces inside sh -c' },
  LLM003: { title: 'invalid llama-swap macro definition', hint: 'macro names use letters, digits, "_" and "-" (under 64 characters), are not PORT, PID or MODEL_ID, hold a string, number or boolean, and may only use macros declared before them' },
  LLM004: { title: '${env.NAME} is not set in the llama-swap container', hint: 'llama-swap refuses to load when the variable is unset: set it in the LlamaSwap environment or an env file it reads' },
  LLM005: { title: 'model lacks a mandatory flag', hint: 'keep the site\'s mandatory flag group on every model (includeMandatoryFlags: true), or exempt the model by id in the ModelPolicy after re-validating it' },
  LLM006: { title: 'model overrides a mandatory flag', hint: 'drop the flag from the model\'s args: the policy sets it, and a second value silently wins or loses depending on order' },
  LLM007: { title: 'duplicate model id or alias', hint: 'every model id and alias (including filters.setParamsByID keys) must be unique across one llama-swap; rename one' },
  LLM008: { title: 'model in more than one group', hint: 'llama-swap refuses a model listed in two groups (or twice in one); keep it in one group' },
  LLM009: { title: 'group member is not a model of this llama-swap', hint: 'list models created under the same LlamaSwap (by object, id or alias); llama-swap fails at start with "no model config"' },
  LLM010: { title: 'unknown preload model', hint: 'llama-swap silently drops unknown preload ids; name a model id or alias of this llama-swap' },
  LLM011: { title: 'invalid model setting', hint: 'fix the value: ttl, unloadTimeout and concurrencyLimit are whole numbers >= 0, ctxSize > 0, checkEndpoint is a path or "none", env names are upper case' },
  LLM012: { title: 'model file cannot be loaded as given', hint: 'give modelFile relative to the model folder (or under its mount point), and for a split GGUF the 00001-of-N shard: llama.cpp loads the other shards from the first one' },
  LLM013: { title: 'filter touches the protected "model" parameter', hint: 'llama-swap silently ignores filters on "model"; remove it' },
  LLM014: { title: 'invalid llama-swap setting', hint: 'healthCheckTimeout >= 15 (lower values are silently raised), startPort >= 1, globalTTL and unloadTimeout >= 0, logLevel debug|info|warn|error, logToStdout proxy|upstream|both|none' },
  LLM016: { title: 'command argument llama-swap cannot read back', hint: 'llama-swap drops every cmd line that starts with # and rewrites lines that end with a backslash, even inside a quoted argument: keep newlines out of arguments (pass multi-line text in a file) or make sure no line of it starts with # or ends with \\\\' },
  LLM015: { title: 'policy exempts a model that does not exist', hint: 'remove the stale exemption so that the next model with that id is not silently exempt', severity: 'warning' },
  // LiteLLM gateway
  LLM020: { title: 'route names no local model', hint: 'route to a model id or alias of the gateway\'s llama-swap; LiteLLM loads the route and fails on the first request' },
  LLM021: { title: 'no shared network', hint: 'put both containers on one network (e.g. the site\'s default network): they reach each other by container name' },
  LLM022: { title: 'gateway timeout does not cover a cold start', hint: 'the first request to a cold model blocks for up to llama-swap\'s healthCheckTimeout; set the timeout above it (the default is healthCheckTimeout + 300 s)' },
  LLM023: { title: 'invalid cloud key', hint: 'pass the key as { envVar: \'PROVIDER_API_KEY\' }: it is declared in the gateway\'s env template and written as os.environ/NAME, never as a value' },
  LLM024: { title: 'fallback names an unknown route', hint: 'fallbacks go from one route name to others; LiteLLM ignores fallbacks to names it does not serve' },
  LLM025: { title: 'gateway health check loads models', hint: 'use /health/liveliness or /health/readiness and keep background_health_checks off: /health makes real calls that make llama-swap load and swap models' },
  LLM026: { title: 'container talks to llama-swap directly', hint: 'the gateway is the only model backend: call gateway.connect(container) instead of pointing the container at llama-swap' },
  LLM027: { title: 'consumer key variable is not provided', hint: 'pass keyFile to connect() so the key is declared as a secret in the consumer\'s env template, or add it to one of its env files' },
  LLM028: { title: 'invalid gateway setting', hint: 'use a key LiteLLM documents for that section (see docs/llm.md); LiteLLM ignores unknown keys without a word' },
  // checks on the rendered files
  LLM030: { title: 'llama-swap config fails its schema', hint: 'this is a bug in quadlet-cdk or a raw setting; the message names the path and rule' },
  LLM031: { title: 'LiteLLM config fails its schema', hint: 'this is a bug in quadlet-cdk or a raw setting; the message names the path and rule' },
  LLM032: { title: 'config fails a cross-reference check', hint: 'the rendered file references a model, alias, group member or route that it does not define' },
});
