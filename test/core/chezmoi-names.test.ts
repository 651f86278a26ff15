import { expect } from 'chai';
import { chezmoiSourceName, chezmoiTargetName } from '../../lib/core/names';

describe('chezmoi names (one mapping for deploy, doctor and the real run)', () => {
  it('drops every source attribute chezmoi strips, and dot_ becomes a dot', () => {
    expect(chezmoiTargetName('dot_config/private_sodimo/executable_run')).to.equal('.config/sodimo/run');
    expect(chezmoiTargetName('dot_config/modify_private_x.env')).to.equal('.config/x.env');
    expect(chezmoiTargetName('encrypted_readonly_dot_netrc')).to.equal('.netrc');
  });

  it('literal_ ends the attributes, and is what chezmoiSourceName adds to a name that looks like one', () => {
    expect(chezmoiSourceName('private_notes.txt')).to.equal('literal_private_notes.txt');
    expect(chezmoiTargetName(`dot_config/${chezmoiSourceName('private_notes.txt')}`)).to.equal('.config/private_notes.txt');
    expect(chezmoiTargetName(`dot_config/${chezmoiSourceName('dot_x')}`)).to.equal('.config/dot_x');
  });
});
