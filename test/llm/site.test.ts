import * as fs from 'fs';
import * as path from 'path';
import { expect } from 'chai';
import { parse } from 'yaml';
import { canonical, Data } from '../../lib';
import { checkLiteLlmConfig, checkLlamaSwapConfig, splitCommand } from '../../lib/llm';
import { quadletDryRun, Testing } from '../../lib/testing';
import { siteShaped } from './site';
import { needQuadlet } from './support';

const QUADLET_DIR = 'home/dot_config/containers/systemd';

/** The YAML's data, as the parser gives it back (undefined entries dropped, keys canonical). */
function asParsed(v: Record<string, Data | undefined>): unknown {
  return JSON.parse(JSON.stringify(canonical(v as Data)));
}

describe('llm: a site-shaped setup', () => {
  it('synthesizes without diagnostics and matches the golden tree', () => {
    const s = siteShaped();
    expect(Testing.diagnostics(s.app)).to.deep.equal([]);
    const files = Testing.synth(s.app);
    expect(Testing.golden(files, path.join(__dirname, '__golden__', 'site'))).to.deep.equal([]);
  });

  it('is byte-deterministic', () => {
    expect(Testing.synth(siteShaped().app)).to.deep.equal(Testing.synth(siteShaped().app));
  });

  it('renders YAML that parses back to the same objects and passes the schemas', () => {
    const s = siteShaped();
    const q = Testing.area(Testing.synth(s.app), QUADLET_DIR);
    const ls = parse(q['llama-swap.yaml']);
    const gw = parse(q['litellm.yaml']);
    expect(ls).to.deep.equal(asParsed(s.llamaSwap.toData()));
    expect(gw).to.deep.equal(asParsed(s.gateway.toData()));
    expect(checkLlamaSwapConfig(ls)).to.deep.equal([]);
    expect(checkLiteLlmConfig(gw)).to.deep.equal([]);
  });

  it('writes commands whose words llama-swap splits back to the typed argv', () => {
    const s = siteShaped();
    for (const m of Object.values(s.models)) expect(splitCommand(m.cmd)).to.deep.equal(m.argv);
    const heavy = s.models.heavy.argv;
    expect(heavy.slice(0, 5)).to.deep.equal(['/app/llama-server', '--host', '127.0.0.1', '--port', '${PORT}']);
    expect(heavy).to.include.members(['--ctx-size', '65536', '--chat-template-kwargs', '{"reasoning_effort":"high"}', '--threads', '12']);
  });

  it('writes the site\'s routing facts: api_base by container name and port, keys by env var, group ttl on members', () => {
    const s = siteShaped();
    const q = Testing.area(Testing.synth(s.app), QUADLET_DIR);
    const ls = parse(q['llama-swap.yaml']);
    const gw = parse(q['litellm.yaml']);
    expect(ls.models['qwen3-30b'].ttl).to.equal(600); // from group heavy
    expect(ls.models['qwen3-4b'].ttl).to.equal(0); // its own
    expect(ls.groups.embeddings.members).to.deep.equal(['qwen3-embedding']); // alias resolved to the id
    const local = gw.model_list.find((m: any) => m.model_name === 'local-task');
    expect(local.litellm_params).to.deep.equal({ model: 'openai/local-task', api_base: 'http://llama-swap:8080/v1', api_key: 'none', timeout: 900 });
    expect(gw.model_list.find((m: any) => m.model_name === 'local-embeddings').model_info.mode).to.equal('embedding');
    expect(gw.model_list.find((m: any) => m.model_name === 'claude-opus-4-7').litellm_params.api_key).to.equal('os.environ/ANTHROPIC_API_KEY');
    expect(gw.router_settings.fallbacks).to.deep.equal([{ 'local-heavy': ['claude-opus-4-7'] }]);
    expect(gw.general_settings).to.deep.equal({ master_key: 'os.environ/LITELLM_MASTER_KEY', database_url: 'os.environ/DATABASE_URL' });
    expect(q['llama-swap.container']).to.include('Volume=./llama-swap.yaml:/app/config.yaml:ro,Z');
    expect(q['openwebui.container']).to.include('OPENAI_API_BASE_URL=http://litellm:4000');
  });

  it('declares every key in the env templates by name only', () => {
    const s = siteShaped();
    s.app.registerSecretValue('sk-real-master-key-value');
    const files = Testing.synth(s.app);
    const tmpl = files['home/dot_config/sodimo/litellm.env.tmpl'];
    for (const k of ['LITELLM_MASTER_KEY', 'LITELLM_SALT_KEY', 'DATABASE_URL', 'ANTHROPIC_API_KEY', 'OPENAI_API_KEY']) expect(tmpl).to.match(new RegExp(`^${k}=$`, 'm'));
    expect(files['home/dot_config/sodimo/openwebui.env.tmpl']).to.match(/^OPENAI_API_KEY=$/m);
  });

  it('passes the real quadlet generator, which mounts the config beside the unit', function () {
    needQuadlet(this);
    const q = Testing.area(Testing.synth(siteShaped().app), QUADLET_DIR);
    const res = quadletDryRun(q);
    expect(res.ok, res.stderr).to.equal(true);
    expect(Object.keys(res.services).sort()).to.deep.equal(['litellm-db.service', 'litellm-redis.service', 'litellm.service', 'llama-swap.service', 'openwebui.service', 'sodimo-network.service']);
    // The unit-relative source is resolved against the unit file's folder.
    expect(res.services['llama-swap.service']).to.match(/-v \S*\/units\/llama-swap\.yaml:\/app\/config\.yaml:ro,Z/);
    expect(res.services['litellm.service']).to.match(/--health-cmd "python3 -c 'import urllib\.request as u; u\.urlopen\(\\"http:\/\/127\.0\.0\.1:4000\/health\/liveliness\\", timeout=5\)'"/);
    expect(res.services['litellm.service']).to.include('--config /app/config.yaml --port 4000');
  });
});

describe('llm: the schemas and checks on hand-written files', () => {
  const fixture = (f: string) => parse(fs.readFileSync(path.join(__dirname, 'fixtures', f), 'utf8'));

  it('accept the reference samples', () => {
    expect(checkLlamaSwapConfig(fixture('sample.llama-swap.yaml'))).to.deep.equal([]);
    expect(checkLlamaSwapConfig(fixture('sample.llama-swap.routing-style.yaml'))).to.deep.equal([]);
    expect(checkLiteLlmConfig(fixture('sample.litellm.yaml'))).to.deep.equal([]);
  });
});
