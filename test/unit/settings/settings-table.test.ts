import { readFileSync } from 'node:fs';
import { describe, expect, it } from '@jest/globals';
import { readersOf, SETTING_KEYS, SETTINGS } from '../../../lambda/settings/index.js';
import { settingsDocument, settingsTable } from '../../../lambda/settings/settings-table.js';

const repository = new URL('../../../', import.meta.url);

describe('settingsDocument', () => {
  it('matches the committed docs/settings.md', () => {
    // Arrange
    const committed = readFileSync(new URL('docs/settings.md', repository), 'utf8');
    const hint = 'docs/settings.md is stale: run `npm run schema` and commit it';

    // Act
    const generated = settingsDocument();

    // Assert
    expect({ generated, hint }).toEqual({ generated: committed, hint });
  });
});

describe('settingsTable', () => {
  it('has one row per setting, with its key, variable, default, accepted values and doc', () => {
    // Act
    const rows = settingsTable().split('\n').slice(2);

    // Assert
    expect(rows).toHaveLength(SETTING_KEYS.length);
    for (const [index, key] of SETTING_KEYS.entries()) {
      const cells = rows[index]!.split(/(?<!\\)\|/)
        .slice(1, -1)
        .map((text) => text.trim());
      const { env, doc } = SETTINGS[key];
      expect(cells).toHaveLength(5);
      const readers = readersOf(key).join(', ');
      const variable = env === undefined ? '—' : readers === 'enforcer' ? `\`${env}\`` : `\`${env}\` (${readers})`;
      expect(cells.slice(0, 2)).toEqual([`\`${key}\``, variable]);
      expect(cells[4]).toBe(doc.replace(/\|/g, '\\|'));
    }
  });

  it('escapes what Markdown would read as a column break, HTML or emphasis', () => {
    const schedule = settingsTable()
      .split('\n')
      .find((row) => row.startsWith('| `schedule`'));

    expect(schedule).toContain('rate(\\<n\\> minute\\|minutes');
    expect(schedule).toContain('cron(0/5 \\* \\* \\* ? \\*)');
  });
});
