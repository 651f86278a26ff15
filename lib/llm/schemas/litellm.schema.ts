/**
 * quadlet-cdk's own JSON schema (draft-07) for the LiteLLM proxy's config.yaml. LiteLLM publishes
 * none (BerriAI/litellm#23022); this one is written from the documented key lists and the loader
 * (`proxy_server.py`, `litellm/types/router.py`, `litellm/proxy/_types.py`; config-formats.md
 * section 2). The loader validates almost nothing: unknown keys in every section are ignored,
 * a broken model_list entry is logged and skipped (`ignore_invalid_deployments`). So this schema is
 * stricter than LiteLLM everywhere:
 *
 * - every section is closed to keys LiteLLM does not document (a misspelled `litellm_param`,
 *   `router_setting`, `request_timeut` fails here and is silently ignored there);
 * - `litellm_params.model` needs a provider prefix (`openai/`, `anthropic/`, ...);
 * - keys and credentials are `os.environ/NAME` references, never values (`api_key` may also be the
 *   dummy `none` that llama-swap routes need), and `master_key` too;
 * - `routing_strategy` and `model_info.mode` are enums;
 * - fallbacks are `[{ <route>: [<route>, ...] }]` with exactly one key per entry.
 *
 * Whether fallbacks name existing routes is a cross reference: config-check.ts checks it.
 */

const envRef = { type: 'string', pattern: '^os\\.environ/[A-Za-z_][A-Za-z0-9_]*$' } as const;
const num = { type: 'number', minimum: 0 } as const;
const int = { type: 'integer', minimum: 0 } as const;
const bool = { type: 'boolean' } as const;
const str = { type: 'string' } as const;
const strList = { type: 'array', items: str } as const;
const open = { type: 'object' } as const;
const envOrString = str;

const fallbacks = {
  type: 'array',
  items: {
    type: 'object',
    minProperties: 1,
    maxProperties: 1,
    additionalProperties: { type: 'array', minItems: 1, items: { type: 'string', minLength: 1 } },
  },
} as const;

const litellmParams = {
  type: 'object',
  additionalProperties: false,
  required: ['model'],
  properties: {
    model: { type: 'string', pattern: '^[a-z0-9_-]+/.+$' },
    api_base: { type: 'string', pattern: '^(https?://\\S+|os\\.environ/[A-Za-z_][A-Za-z0-9_]*)$' },
    api_key: { anyOf: [envRef, { const: 'none' }] },
    api_version: str,
    organization: str,
    custom_llm_provider: str,
    rpm: int, tpm: int, itpm: int, otpm: int,
    timeout: num,
    stream_timeout: num,
    max_retries: int,
    num_retries: int,
    max_budget: num,
    budget_duration: { type: 'string', pattern: '^[0-9]+[smhd]$|^[0-9]+mo$' },
    max_parallel_requests: int,
    order: int,
    weight: num,
    tags: strList,
    tag_regex: strList,
    cooldown_time: num,
    litellm_credential_name: str,
    input_cost_per_token: num,
    output_cost_per_token: num,
    use_in_pass_through: bool,
    merge_reasoning_content_in_choices: bool,
    drop_params: bool,
    temperature: num,
    max_tokens: int,
    extra_headers: { type: 'object', additionalProperties: str },
  },
} as const;

const modelInfo = {
  type: 'object',
  additionalProperties: false,
  properties: {
    id: str,
    mode: { enum: ['chat', 'completion', 'embedding', 'image_generation', 'audio_transcription', 'audio_speech', 'rerank', 'moderation', 'responses'] },
    base_model: str,
    max_tokens: int,
    max_input_tokens: int,
    input_cost_per_token: num,
    output_cost_per_token: num,
    supported_environments: { type: 'array', items: { enum: ['development', 'staging', 'production'] } },
    access_groups: strList,
    custom_tokenizer: open,
    tier: str,
    team_id: str,
  },
} as const;

export const LITELLM_SCHEMA = {
  $id: 'https://quadlet-cdk.dev/schemas/litellm.json',
  title: 'LiteLLM proxy config (quadlet-cdk, strict)',
  type: 'object',
  additionalProperties: false,
  required: ['model_list'],
  properties: {
    model_list: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['model_name', 'litellm_params'],
        properties: { model_name: { type: 'string', minLength: 1 }, litellm_params: litellmParams, model_info: modelInfo },
      },
    },
    litellm_settings: {
      type: 'object',
      additionalProperties: false,
      properties: {
        success_callback: strList, failure_callback: strList, callbacks: strList, service_callbacks: strList,
        turn_off_message_logging: bool, redact_user_api_key_info: bool, json_logs: bool,
        drop_params: bool, modify_params: bool, request_timeout: num, force_ipv4: bool, num_retries: int,
        fallbacks, default_fallbacks: strList, context_window_fallbacks: fallbacks, content_policy_fallbacks: fallbacks,
        allowed_fails: int, cache: bool,
        cache_params: {
          type: 'object',
          additionalProperties: false,
          properties: {
            type: { enum: ['local', 'redis', 'redis-semantic', 's3', 'gcs', 'qdrant-semantic'] },
            host: envOrString, port: { type: ['string', 'integer'] }, password: envRef, namespace: str, ttl: num,
            mode: { enum: ['default_off', 'default_on'] }, supported_call_types: strList,
          },
        },
        default_team_settings: { type: 'array' }, key_generation_settings: open, enable_json_schema_validation: bool,
        mcp_aliases: open, set_verbose: bool,
      },
    },
    router_settings: {
      type: 'object',
      additionalProperties: false,
      properties: {
        routing_strategy: { enum: ['simple-shuffle', 'least-busy', 'usage-based-routing', 'usage-based-routing-v2', 'latency-based-routing', 'cost-based-routing', 'provider-budget-routing'] },
        routing_strategy_args: open, num_retries: int, timeout: num, stream_timeout: num, max_retries: int, retry_after: num,
        retry_policy: open, allowed_fails: int, allowed_fails_policy: open, cooldown_time: num, disable_cooldowns: bool,
        fallbacks, default_fallbacks: strList, context_window_fallbacks: fallbacks, content_policy_fallbacks: fallbacks,
        max_fallbacks: int, model_group_alias: open, enable_pre_call_checks: bool, optional_pre_call_checks: strList,
        enable_tag_filtering: bool, tag_filtering_match_any: bool,
        redis_host: envOrString, redis_port: { type: ['string', 'integer'] }, redis_password: envRef, redis_db: { type: ['string', 'integer'] }, redis_url: envRef,
        cache_responses: bool, cache_kwargs: open, caching_groups: { type: 'array' }, client_ttl: int,
        default_litellm_params: open, default_max_parallel_requests: int, provider_budget_config: open, ignore_invalid_deployments: bool,
      },
    },
    general_settings: {
      type: 'object',
      additionalProperties: false,
      properties: {
        master_key: envRef, database_url: envRef, database_connection_pool_limit: int, database_connection_timeout: num,
        store_model_in_db: bool, supported_db_objects: strList, allow_requests_on_db_unavailable: bool, disable_spend_logs: bool,
        disable_master_key_return: bool, max_parallel_requests: int, global_max_parallel_requests: int,
        max_request_size_mb: num, max_response_size_mb: num,
        // Background health checks make real calls: llama-swap would load every model (LLM025).
        background_health_checks: { const: false }, health_check_interval: int, health_check_details: bool,
        alerting: strList, alerting_threshold: num, alert_types: strList, ui_access_mode: str,
        allowed_routes: strList, public_routes: strList, admin_only_routes: strList, allowed_ips: strList,
        use_x_forwarded_for: bool, forward_client_headers_to_llm_api: bool, custom_auth: str, enable_jwt_auth: bool,
        litellm_jwtauth: open, pass_through_endpoints: { type: 'array' }, key_management_system: str,
        completion_model: str, embedding_model: str, maximum_spend_logs_retention_period: str, proxy_batch_write_at: num,
      },
    },
    environment_variables: { type: 'object', additionalProperties: str },
    include: { type: ['string', 'array'], items: str },
    callback_settings: open,
    credential_list: { type: 'array' },
  },
} as const;

/** The documented keys of each settings section, for construct-time checks (LLM028). */
export function settingsKeys(section: 'litellm_settings' | 'router_settings' | 'general_settings'): ReadonlySet<string> {
  return new Set(Object.keys(LITELLM_SCHEMA.properties[section].properties));
}
