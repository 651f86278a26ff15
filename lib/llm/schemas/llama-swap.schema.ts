/**
 * quadlet-cdk's own JSON schema (draft-07) for llama-swap's config, written from the loader
 * (mostlygeek/llama-swap @ 0bdb372, about v250; config-formats.md section 1), not copied from
 * upstream's config-schema.json. Where upstream's schema and loader are open, this one is closed:
 *
 * - every object is `additionalProperties: false` (the loader's yaml.v3 decode ignores unknown and
 *   misspelled keys, e.g. `ttll`);
 * - `healthCheckTimeout` >= 15 (the loader silently raises lower values);
 * - `logLevel` is an enum (the loader does not check it);
 * - model `ttl` >= 0 (the generator never writes -1, "use the global");
 * - `proxy` must be the model itself on 127.0.0.1 (the site's self-proxy rule);
 * - groups need at least one member.
 *
 * Cross references (aliases unique, a model in one group, members and preload ids that exist,
 * macros that resolve) are beyond JSON schema: config-check.ts checks them on the parsed file.
 * Sections quadlet-cdk does not generate (profiles, selectors, peers, matrix, routing) are typed
 * as objects only.
 */

const nonNegInt = { type: 'integer', minimum: 0 } as const;
const str = { type: 'string' } as const;

const macros = {
  type: 'object',
  propertyNames: { type: 'string', minLength: 1, maxLength: 63, pattern: '^[a-zA-Z0-9_-]+$', not: { enum: ['PID', 'PORT', 'MODEL_ID'] } },
  additionalProperties: { type: ['string', 'number', 'boolean'] },
} as const;

const timeouts = {
  type: 'object',
  additionalProperties: false,
  properties: { connect: nonNegInt, keepalive: nonNegInt, responseHeader: nonNegInt, tlsHandshake: nonNegInt, expectContinue: nonNegInt, idleConn: nonNegInt },
} as const;

const modality = { type: 'array', minItems: 1, uniqueItems: true, items: { enum: ['text', 'audio', 'image'] } } as const;

const model = {
  type: 'object',
  additionalProperties: false,
  required: ['cmd'],
  properties: {
    cmd: { type: 'string', minLength: 1 },
    cmdStop: str,
    proxy: { type: 'string', pattern: '^http://127\\.0\\.0\\.1:(\\$\\{PORT\\}|[0-9]{1,5})/?$' },
    aliases: { type: 'array', uniqueItems: true, items: { type: 'string', minLength: 1, pattern: '^\\S+$' } },
    env: { type: 'array', items: { type: 'string', pattern: '^[A-Z_][A-Z0-9_]*=.*$' } },
    checkEndpoint: { type: 'string', pattern: '^/.*$|^none$' },
    ttl: nonNegInt,
    unloadTimeout: nonNegInt,
    unlisted: { type: 'boolean' },
    useModelName: str,
    name: { type: 'string', maxLength: 128 },
    description: { type: 'string', maxLength: 1024 },
    concurrencyLimit: nonNegInt,
    sendLoadingState: { type: 'boolean' },
    macros,
    metadata: { type: 'object' },
    timeouts,
    filters: {
      type: 'object',
      additionalProperties: false,
      properties: {
        stripParams: { type: 'string', pattern: '^[a-zA-Z0-9_, ]*$' },
        setParams: { type: 'object', not: { required: ['model'] } },
        setParamsByID: { type: 'object', additionalProperties: { type: 'object', not: { required: ['model'] } } },
      },
    },
    compat: { type: 'object', additionalProperties: false, properties: { ignoreWebsockets: { type: 'boolean' } } },
    capabilities: {
      type: 'object',
      additionalProperties: false,
      properties: { in: modality, out: modality, tools: { type: 'boolean' }, reranker: { type: 'boolean' }, context: nonNegInt },
    },
  },
} as const;

const group = {
  type: 'object',
  additionalProperties: false,
  required: ['members'],
  properties: {
    swap: { type: 'boolean' },
    exclusive: { type: 'boolean' },
    persistent: { type: 'boolean' },
    members: { type: 'array', minItems: 1, items: { type: 'string', minLength: 1 } },
  },
} as const;

export const LLAMA_SWAP_SCHEMA = {
  $id: 'https://quadlet-cdk.dev/schemas/llama-swap.json',
  title: 'llama-swap config (quadlet-cdk, strict)',
  type: 'object',
  additionalProperties: false,
  required: ['models'],
  properties: {
    healthCheckTimeout: { type: 'integer', minimum: 15 },
    logLevel: { enum: ['debug', 'info', 'warn', 'error'] },
    logTimeFormat: str,
    logToStdout: { enum: ['proxy', 'upstream', 'both', 'none'] },
    logRequests: { type: 'boolean' },
    metricsMaxInMemory: nonNegInt,
    captureBuffer: nonNegInt,
    store: { type: 'object', additionalProperties: false, required: ['path'], properties: { path: { type: 'string', minLength: 1 } } },
    ui: {
      type: 'object',
      additionalProperties: false,
      properties: { activity: { type: 'object', additionalProperties: false, properties: { session_id: { type: 'array', items: str } } } },
    },
    performance: {
      type: 'object',
      additionalProperties: false,
      properties: { disabled: { type: 'boolean' }, every: { type: 'string', pattern: '^(\\d+(\\.\\d+)?(ns|us|ms|s|m|h))+$' } },
    },
    startPort: { type: 'integer', minimum: 1, maximum: 65535 },
    globalTTL: nonNegInt,
    unloadTimeout: nonNegInt,
    sendLoadingState: { type: 'boolean' },
    includeAliasesInList: { type: 'boolean' },
    apiKeys: { type: 'array', items: { type: 'string', minLength: 1, pattern: '^\\S+$' } },
    macros,
    models: { type: 'object', minProperties: 1, propertyNames: { minLength: 1, pattern: '^\\S+$' }, additionalProperties: model },
    groups: { type: 'object', additionalProperties: group },
    hooks: {
      type: 'object',
      additionalProperties: false,
      properties: {
        on_startup: { type: 'object', additionalProperties: false, properties: { preload: { type: 'array', items: { type: 'string', minLength: 1 } } } },
      },
    },
    upstream: { type: 'object', additionalProperties: false, properties: { ignorePaths: { type: 'array', items: str } } },
    profiles: { type: 'object' },
    selectors: { type: 'object' },
    peers: { type: 'object' },
    matrix: { type: 'object' },
    routing: { type: 'object' },
  },
  // The loader refuses the legacy top-level groups/matrix next to routing.router, and both forms together.
  allOf: [
    { not: { required: ['groups', 'matrix'] } },
    { if: { required: ['routing'] }, then: { not: { anyOf: [{ required: ['groups'] }, { required: ['matrix'] }] } } },
  ],
} as const;
