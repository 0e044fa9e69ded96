import type { AchievementRow } from './achievements.repository.js';
import { toVersion, type VersionRow } from './achievement-rows.js';
import type { Achievement } from './records.types.js';

/** Builds achievements (current content + full history) from identity rows and their versions. */
export function assemble(rows: AchievementRow[], versions: VersionRow[]): Achievement[] {
  const byId = new Map<string, VersionRow[]>();
  for (const v of versions) {
    const list = byId.get(v.achievement_id);
    if (list) list.push(v);
    else byId.set(v.achievement_id, [v]);
  }
  return rows.map((r) => {
    const history = (byId.get(r.id) ?? []).sort((a, b) => a.version - b.version).map(toVersion);
    const last = history[history.length - 1]!;
    let current = last; // the latest version with content (a revocation has none)
    for (let k = history.length - 1; k >= 0 && current.content === null; k--) current = history[k]!;
    return {
      id: r.id, learnerId: r.learner_id, institutionId: r.institution_id, externalId: r.external_id, source: r.source,
      status: last.action === 'revocation' ? 'revoked' : 'active', current: current.content!, currentVersion: last.version,
      history, createdAt: r.created_at.toISOString(),
    };
  });
}
