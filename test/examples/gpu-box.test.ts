import { expect } from 'chai';
import * as YAML from 'yaml';
import gpuBox from '../../examples/gpu-box/app';
import { Testing } from '../../lib/testing';
import { caddyDials, dryRunSite, expectNoSecretValues, needs, publishedPorts, QUADLET, synthExample, USER_UNITS, verifySite } from './support';

const synth = () => synthExample(gpuBox);

describe('examples/gpu-box', () => {
  it('synthesizes with no diagnostics and matches the golden tree', () => {
    expect(Testing.golden(synth(), 'test/examples/__golden__/gpu-box')).to.deep.equal([]);
  });

  it('builds llama-swap, LiteLLM with its Postgres, OpenWebUI and Caddy', () => {
    const files = synth();
    expect(Object.keys(Testing.area(files, QUADLET)).sort()).to.deep.equal([
      'caddy.container', 'gpu-box.network', 'litellm-db-data.volume', 'litellm-db.container', 'litellm.container', 'litellm.yaml',
      'llama-swap.container', 'llama-swap.yaml', 'openwebui-data.volume', 'openwebui.container',
    ]);
    expect(Object.keys(Testing.area(files, USER_UNITS))).to.deep.equal(['gpu-box-secrets.service', 'gpu-box.target']);
    expect(files[`${QUADLET}/llama-swap.container`]).to.contain('\nAddDevice=nvidia.com/gpu=all\n');
  });

  it('routes two local models and embeddings through the gateway, falling back to the cloud model', () => {
    const files = synth();
    const litellm = YAML.parse(files[`${QUADLET}/litellm.yaml`]);
    expect(litellm.model_list.map((m: any) => `${m.model_name} ${m.litellm_params.model} ${m.litellm_params.api_base ?? ''}`.trim())).to.deep.equal([
      'local-chat openai/local-chat http://llama-swap:8080/v1',
      'local-reasoning openai/local-reasoning http://llama-swap:8080/v1',
      'local-embeddings openai/local-embeddings http://llama-swap:8080/v1',
      'claude-sonnet anthropic/claude-sonnet-4-5',
    ]);
    expect(litellm.router_settings.fallbacks).to.deep.equal([{ 'local-chat': ['claude-sonnet'] }, { 'local-reasoning': ['claude-sonnet'] }]);
    expect(litellm.model_list[3].litellm_params.api_key).to.equal('os.environ/ANTHROPIC_API_KEY');
    const swap = YAML.parse(files[`${QUADLET}/llama-swap.yaml`]);
    expect(Object.keys(swap.groups)).to.deep.equal(['chat', 'embeddings']);
    expect(swap.groups.chat.members).to.deep.equal(['qwen3-8b', 'gpt-oss-20b']);
    // The chat UI talks to the gateway only.
    expect(files[`${QUADLET}/openwebui.container`]).to.contain('Environment="OPENAI_API_BASE_URL=http://litellm:4000"');
    // It only wants the shared gateway: restarting LiteLLM does not restart the chat UI.
    expect(files[`${QUADLET}/openwebui.container`]).to.match(/^Wants=litellm\.service$/m);
    expect(files[`${QUADLET}/openwebui.container`]).not.to.match(/^Requires=.*litellm\.service/m);
  });

  it('listens on the LAN with Caddy only, keeps llama-swap on loopback, and writes no secret value', () => {
    const files = synth();
    expect(publishedPorts(files)).to.deep.equal(['127.0.0.1:9292:8080', '192.168.1.50:80:80']);
    expectNoSecretValues(files, 5); // database passwords are podman secrets now, not template entries
  });

  it('every quadlet unit passes the real generator', function () {
    needs('quadlet', this);
    const r = dryRunSite(synth());
    expect(r.ok, r.stderr).to.equal(true);
    expect(Object.keys(r.services)).to.include.members(['llama-swap.service', 'litellm.service', 'litellm-db.service', 'openwebui.service', 'caddy.service', 'gpu-box-network.service']);
  });

  it('the target passes systemd-analyze verify beside the generated services', function () {
    needs('quadlet', this);
    needs('systemdAnalyze', this);
    const r = verifySite(synth());
    expect(r.ok, r.output).to.equal(true);
    expect(Object.keys(r.perUnit)).to.include('gpu-box.target');
  });

  it('the Caddyfile passes caddy validate, and adapts to the chat UI', function () {
    needs('caddy', this);
    expect(caddyDials(synth())).to.deep.equal(['openwebui:8080']);
  });
});
