/**
 * Codes ICAO Doc 9303 Part 3 §5 adds to ISO 3166-1 for the MRZ (list as kept in the UKHomeOffice
 * mrz-parser repository, quoted in DOMAIN.md §5). Version 2026-11, seeded by migration 200.
 */
export const icaoSpecialCodes2026: Array<
  [code: string, namePl: string, nameEn: string, kind: 'special' | 'organisation']
> = [
  ['D', 'Niemcy (kod MRZ „D”)', 'Germany (MRZ code D)', 'special'],
  ['XXA', 'Bezpaństwowiec', 'Stateless person', 'special'],
  [
    'XXB',
    'Uchodźca w rozumieniu art. 1 Konwencji z 1951 r.',
    'Refugee under article 1 of the 1951 Convention',
    'special',
  ],
  ['XXC', 'Uchodźca (inny niż XXB)', 'Refugee (other than XXB)', 'special'],
  ['XXX', 'Obywatelstwo nieokreślone', 'Unspecified nationality', 'special'],
  ['UNO', 'Organizacja Narodów Zjednoczonych', 'United Nations Organization', 'organisation'],
  ['UNA', 'Organizacja wyspecjalizowana ONZ', 'Specialized agency of the United Nations', 'organisation'],
  ['UNK', 'Mieszkaniec Kosowa (dokument UNMIK)', 'Resident of Kosovo (UNMIK document)', 'special'],
  ['EUE', 'Unia Europejska', 'European Union', 'organisation'],
  ['GBD', 'Obywatel brytyjskiego terytorium zamorskiego', 'British Overseas Territories Citizen', 'special'],
  ['GBN', 'Obywatel brytyjski (zamorski)', 'British National (Overseas)', 'special'],
  ['GBO', 'Brytyjski obywatel zamorski', 'British Overseas Citizen', 'special'],
  ['GBP', 'Brytyjska osoba chroniona', 'British Protected Person', 'special'],
  ['GBS', 'Poddany brytyjski', 'British Subject', 'special'],
  ['RKS', 'Kosowo', 'Kosovo', 'special'],
  ['XPO', 'Interpol', 'Interpol', 'organisation'],
  ['XOM', 'Suwerenny Zakon Maltański', 'Sovereign Military Order of Malta', 'organisation'],
]
