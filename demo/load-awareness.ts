import type { Db } from '../src/core/db/client.ts';
import { seededRandom } from '../src/core/random.ts';
import type { Actor, Scope } from '../src/modules/auth/index.ts';
import {
  AWARENESS_CHANNELS,
  type AwarenessChannel,
  createActivity,
  createCampaign,
  importPopulation,
  listCampaigns,
} from '../src/modules/awareness/index.ts';
import { organisationByCodeOn } from '../src/modules/organisations/index.ts';
import { YEN_BAI_2024 } from './yen-bai-2024/organisations.ts';

/**
 * The national anti-fraud campaign of 10/10–20/11/2024 ("quy tắc 6 không", in the year CV 1607/BTTTT-CATTT made the
 * "Năm phòng chống lừa đảo trực tuyến") on Yên Bái's 173 communes of 2024.
 *
 * DEMO DATA, NOT REAL: populations and the people each activity reached are invented (seeded, so every load gives the
 * same figures): a commune of 1 500–12 000 residents (phường larger), and each commune's reach between about a fifth
 * and all of its residents, a few above, so the coverage map shows every colour. They go through the real
 * population importer (a CSV) and the real activity service.
 */
const CAMPAIGN = {
  title: 'Chiến dịch tuyên truyền kỹ năng phòng chống lừa đảo trực tuyến "quy tắc 6 không" năm 2024',
  startsOn: '2024-10-10',
  endsOn: '2024-11-20',
  legalBasis: 'CV 1607/BTTTT-CATTT ngày 26/04/2024; chiến dịch toàn quốc 10/10–20/11/2024',
  channels: [...AWARENESS_CHANNELS],
  note: 'Dữ liệu mẫu (demo): số dân và số người được tiếp cận là số liệu giả lập.',
};
const TREE_DAY = '2024-10-10';
/** Channels a commune actually uses (the residents' page is province-wide, counted elsewhere). */
const COMMUNE_CHANNELS: AwarenessChannel[] = ['loudspeaker', 'meeting', 'zalo_oa', 'poster', 'sms', 'social_media'];

const addDays = (day: string, n: number) =>
  new Date(Date.parse(`${day}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);

/** Loads the campaign, the 2024 population per commune and the activities; loading twice changes nothing. */
export async function loadAwarenessDemo(db: Db, actor: Actor): Promise<{ activities: number }> {
  const scope: Scope = { all: true };
  if ((await listCampaigns(db, scope)).some((c) => c.title === CAMPAIGN.title)) return { activities: 0 };
  const random = seededRandom(20241010);
  const communes = YEN_BAI_2024.filter((o) => o.type === 'commune');
  const population = new Map(
    communes.map((c) => {
      const base = c.name.startsWith('Phường') ? 6000 + random() * 6000 : 1500 + random() * 6500;
      return [c.code, Math.round(base / 10) * 10];
    }),
  );
  const csv = [
    'Mã xã,Tên xã,Dân số,Dân số từ 15 đến 69 tuổi,Tính đến ngày',
    ...communes.map((c) => {
      const p = population.get(c.code) ?? 0;
      return `${c.code},${c.name},${p},${Math.round(p * 0.68)},01/01/2024`;
    }),
  ].join('\n');
  const report = await importPopulation(db, actor, scope, Buffer.from(csv));
  if (report.errors.length)
    throw new Error(`demo population: ${report.errors.map((e) => `row ${e.row}: ${e.message}`).join('; ')}`);

  const campaign = await createCampaign(db, actor, scope, CAMPAIGN);
  let activities = 0;
  for (const c of communes) {
    const unit = await organisationByCodeOn(db, c.code, TREE_DAY);
    if (!unit) continue;
    const share = 0.2 + random() * 0.95;
    let left = Math.round((population.get(c.code) ?? 0) * share);
    const count = 2 + Math.floor(random() * 3);
    for (let i = 0; i < count && left > 0; i++) {
      const reached = i === count - 1 ? left : Math.round(left * (0.3 + random() * 0.4));
      left -= reached;
      await createActivity(db, actor, scope, {
        campaignId: campaign.id,
        organisationId: unit.id,
        day: addDays(CAMPAIGN.startsOn, Math.floor(random() * 42)),
        channel: COMMUNE_CHANNELS[Math.floor(random() * COMMUNE_CHANNELS.length)] ?? 'loudspeaker',
        peopleReached: reached,
      });
      activities++;
    }
  }
  return { activities };
}
