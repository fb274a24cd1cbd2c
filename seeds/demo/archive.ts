import type { Actor } from '../../src/shared/audit/audit.js'
import * as transfers from '../../src/modules/archive/transfers-service.js'
import * as records from '../../src/modules/archive/records-service.js'
import type { DemoSeed } from './context.js'

/** A small file plan in the shape of an office JRWA (classes 0–2 general, 6 foreigners' matters). */
const demoJrwa = `symbol;hasło;kategoria
0;Zarządzanie;
00;Organy kolegialne, zespoły;
000;Posiedzenia kierownictwa;A
001;Zespoły i komisje;A
01;Organizacja;
010;Przepisy wewnętrzne, regulaminy organizacyjne;A
011;Upoważnienia i pełnomocnictwa;A
012;Korespondencja ogólna;B5
02;Skargi, wnioski i petycje;
020;Skargi i wnioski;A
021;Petycje;A
03;Informacja publiczna;
030;Udostępnianie informacji publicznej;B5
04;Ochrona danych osobowych;
040;Rejestr czynności przetwarzania;A
041;Naruszenia ochrony danych;B10
1;Kadry;
10;Akta osobowe;B50
11;Szkolenia pracowników;BE10
12;Czas pracy, urlopy;B3
2;Środki rzeczowe i administracja;
20;Zamówienia publiczne;B5
21;Ewidencja środków trwałych;B10
22;Zapiski robocze, kopie pomocnicze;Bc
6;Sprawy cudzoziemców;
60;Ochrona międzynarodowa;
600;Postępowania o udzielenie ochrony międzynarodowej;BE50
601;Wnioski o świadczenia socjalne;B10
61;Legalizacja pobytu;
610;Zezwolenia na pobyt czasowy;B25
611;Zezwolenia na pobyt stały;BE50
62;Dokumenty cudzoziemców;
620;Wydawanie dokumentów tożsamości cudzoziemców;B10
621;Depozyty dokumentów podróży;B10
63;Archiwum zakładowe;
630;Spisy zdawczo-odbiorcze;A
631;Kwerendy archiwalne;B10
`

export const seedArchive: DemoSeed = async ({ knex, units, users, log }) => {
  const a = users.archivist
  const actor: Actor = { id: a.id, name: a.displayName, unit: a.unitSymbol }
  const plan = await knex('archive_jrwa_classes').count({ c: '*' }).first()
  if (Number(plan?.c ?? 0) === 0) {
    const result = await transfers.importJrwa(knex, actor, demoJrwa)
    if (!result.ok) throw new Error(`demo JRWA rejected: ${JSON.stringify(result.errors)}`)
  }
  const folders = await knex('archive_folders').count({ c: '*' }).first()
  if (Number(folders?.c ?? 0) > 0) {
    log('archive: already seeded')
    return
  }
  const year = new Date().getUTCFullYear()
  const unitFolder = async (
    unit: string,
    jrwaSymbol: string,
    title: string,
    yearFrom: number,
    yearTo: number | undefined,
    listId: number | null = null,
  ) => {
    const r = await transfers.registerUnitFolder(
      knex,
      actor,
      units[unit]!,
      { jrwaSymbol, title, yearFrom, yearTo, volumes: 1 + (title.length % 3) },
      listId,
    )
    if (!r.ok) throw new Error(`demo folder rejected: ${r.key}`)
    return r.value
  }

  // An older accepted list from DPU, placed on shelves.
  const dpuList = await transfers.createTransferList(knex, actor, units.DPU!)
  const dpuTitles: Array<[string, string, number]> = [
    ['600', 'Postępowania o udzielenie ochrony międzynarodowej – obywatele Ukrainy', year - 8],
    ['600', 'Postępowania o udzielenie ochrony międzynarodowej – obywatele Białorusi', year - 8],
    ['601', 'Wnioski o świadczenia socjalne dla cudzoziemców', year - 12],
    ['012', 'Korespondencja ogólna z urzędami wojewódzkimi', year - 10],
    ['012', 'Korespondencja ogólna z ośrodkami dla cudzoziemców', year - 9],
    ['010', 'Regulamin organizacyjny Departamentu Postępowań Uchodźczych', year - 7],
  ]
  for (const [symbol, title, y] of dpuTitles) await unitFolder('DPU', symbol, title, y - 1, y, dpuList)
  await transfers.submitList(knex, actor, units.DPU!, dpuList)
  const dpuFolders = await knex('archive_folders')
    .where({ transfer_list_id: dpuList })
    .orderBy('id')
    .select('id')
  await transfers.acceptList(knex, actor, dpuList, {
    linearMetres: '0.850',
    places: new Map(
      dpuFolders.map((f: { id: number }, i: number) => [
        Number(f.id),
        { room: '014', rack: 'A', shelf: 1 + Math.floor(i / 3), box: String(i + 1) },
      ]),
    ),
  })

  // BKA: an accepted list with personnel files and training folders (B50, BE10, Bc).
  const bkaList = await transfers.createTransferList(knex, actor, units.BKA!)
  await unitFolder(
    'BKA',
    '11',
    'Szkolenia pracowników z ochrony danych osobowych',
    year - 16,
    year - 15,
    bkaList,
  )
  await unitFolder('BKA', '12', 'Ewidencja czasu pracy i urlopów', year - 10, year - 9, bkaList)
  await unitFolder('BKA', '22', 'Kopie pomocnicze zestawień', year - 5, year - 5, bkaList)
  await unitFolder('BKA', '20', 'Zamówienia publiczne na dostawę papieru', year - 12, year - 11, bkaList)
  await transfers.submitList(knex, actor, units.BKA!, bkaList)
  const bkaFolders = await knex('archive_folders')
    .where({ transfer_list_id: bkaList })
    .orderBy('id')
    .select('id')
  await transfers.acceptList(knex, actor, bkaList, {
    linearMetres: '0.400',
    places: new Map(
      bkaFolders.map((f: { id: number }, i: number) => [
        Number(f.id),
        { room: '014', rack: 'B', shelf: 1, box: String(i + 1) },
      ]),
    ),
  })

  // DL: a submitted list waiting for the archivist, and folders still at the unit (due and overdue).
  const dlList = await transfers.createTransferList(knex, actor, units.DL!)
  await unitFolder('DL', '610', 'Zezwolenia na pobyt czasowy – sprawy zakończone', year - 4, year - 3, dlList)
  await unitFolder('DL', '611', 'Zezwolenia na pobyt stały – sprawy zakończone', year - 4, year - 3, dlList)
  await transfers.submitList(knex, actor, units.DL!, dlList)
  await unitFolder('DL', '012', 'Korespondencja ogólna z konsulatami', year - 5, year - 4)
  await unitFolder('DL', '030', 'Udostępnianie informacji publicznej', year - 3, year - 3)
  await unitFolder('DL', '012', 'Korespondencja ogólna bieżąca', year, undefined)
  await unitFolder('ZOK', '620', 'Wydawanie dokumentów tożsamości cudzoziemców', year - 3, year - 3)

  // Authorised borrowers, an overdue loan, a query being answered and a hold.
  const borrower = await records.addBorrower(knex, actor, {
    fullName: 'Joanna Lewandowska',
    unitId: units.DPU!,
    position: 'starszy specjalista',
    authorisedBy: 'Marek Wójcik, dyrektor DPU',
    authorisedOn: `${year}-01-05`,
  })
  await records.addBorrower(knex, actor, {
    fullName: 'Tomasz Kamiński',
    unitId: units.BPR!,
    authorisedBy: 'Ewa Dąbrowska, dyrektor BPR',
    authorisedOn: `${year - 1}-02-01`,
    validUntil: `${year + 1}-12-31`,
  })
  const [first, second] = await knex('archive_folders')
    .where({ transfer_list_id: dpuList })
    .orderBy('id')
    .limit(2)
    .select('barcode', 'id')
  await records.lendFolder(knex, actor, {
    barcode: first.barcode,
    borrowerId: borrower,
    kind: 'loan',
    lentOn: `${year}-01-10`,
    dueOn: `${year}-01-24`,
    purpose: 'Ponowne rozpatrzenie sprawy',
  })
  const query = await records.registerQuery(knex, actor, {
    requesterKind: 'authority',
    requesterName: 'Wojewódzki Sąd Administracyjny w Warszawie',
    subject: 'Akta postępowania o udzielenie ochrony międzynarodowej – skarga na decyzję',
    receivedOn: `${year}-01-15`,
    dueOn: `${year}-02-14`,
    assigneeId: a.id,
  })
  await records.attachFolderToQuery(knex, actor, query, second.barcode)
  await records.placeHold(knex, actor, Number(second.id), 'Postępowanie sądowe w toku (WSA)')
  await records.registerQuery(knex, actor, {
    requesterKind: 'unit',
    requesterUnitId: units.BKA!,
    subject: 'Regulaminy organizacyjne obowiązujące w latach 2015–2018',
    receivedOn: `${year}-02-01`,
    dueOn: `${year}-02-28`,
  })
  const count = async (table: string) => Number((await knex(table).count({ c: '*' }).first())?.c ?? 0)
  log(
    `archive: JRWA ${await count('archive_jrwa_classes')} classes, ${await count('archive_transfer_lists')} transfer lists, ` +
      `${await count('archive_folders')} folders, ${await count('archive_loans')} loan, ${await count('archive_queries')} queries`,
  )
}
