import { expect } from 'chai';
import {
  CADDY_IMAGE, Container, isMajorOnlyTag, MARIADB_IMAGE, OPENWEBUI_IMAGE, parseImageRef, PGVECTOR_IMAGE, POSTGRES_IMAGE, REDIS_IMAGE,
} from '../../lib';
import { expectDiagnostic, Testing } from '../../lib/testing';

describe('image pins: floating major-version tags', () => {
  it('a major-only tag (16, 7-alpine, v2) is floating; full versions and named lines are not', () => {
    for (const t of ['16', '7-alpine', '2-alpine', 'v2', '11']) expect(isMajorOnlyTag(t), t).to.equal(true);
    for (const t of ['16.9', '7.4.5-alpine', '11.4', '0.8.0-pg16', 'pg16', 'latest', undefined]) expect(isMajorOnlyTag(t), String(t)).to.equal(false);
  });

  it('the digest policy names postgres:16 and redis:7-alpine as floating major-version tags (IMAGE003)', () => {
    const { app, site } = Testing.site({ digestPolicy: 'warn' });
    new Container(site, 'db', { image: 'docker.io/library/postgres:16' });
    new Container(site, 'cache', { image: 'docker.io/library/redis:7-alpine' });
    new Container(site, 'pinned', { image: 'docker.io/library/postgres:16.9' });
    const found = expectDiagnostic(app, 'IMAGE003', 'warning');
    const byPath = Object.fromEntries(found.map((d) => [d.path, d.message]));
    expect(byPath['test/db']).to.equal('"docker.io/library/postgres:16" is not pinned by digest; :16 is a floating major-version tag that moves with every release of that line');
    expect(byPath['test/cache']).to.contain(':7-alpine is a floating major-version tag');
    expect(byPath['test/pinned']).to.equal('"docker.io/library/postgres:16.9" is not pinned by digest');
  });

  it('the patterns\' default images are pinned to full versions', () => {
    for (const img of [POSTGRES_IMAGE, PGVECTOR_IMAGE, MARIADB_IMAGE, REDIS_IMAGE, CADDY_IMAGE, OPENWEBUI_IMAGE]) {
      const tag = parseImageRef(img)?.tag;
      expect(tag, img).to.match(/\d+\.\d+/);
      expect(isMajorOnlyTag(tag), img).to.equal(false);
    }
  });
});
