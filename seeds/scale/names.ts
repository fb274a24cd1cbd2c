import { Rng } from './random.js'

/**
 * Foreigners' names as they reach the Office: one person (an identity) is written down in several
 * romanisations depending on who typed the document (a Polish consulate, a German visa, a French
 * residence card, a passport's own romanisation) and sometimes with a typo. Each identity is kept
 * in its source script and rendered on demand, so the benchmark knows which spellings belong to
 * the same person (recall@10) and which look-alikes do not (decoys).
 * Mix as in PERFORMANCE.md §1: 45 % Ukrainian/Russian, 20 % Arabic, 10 % Georgian, 15 % Turkish,
 * 10 % Vietnamese.
 */
export type Origin = 'uk' | 'ru' | 'ar' | 'ka' | 'tr' | 'vi'

export interface Identity {
  origin: Origin
  sex: 'M' | 'F'
  /** Surname and given names in the source script (Cyrillic, Georgian) or a canonical romanisation. */
  surname: string
  given: string
  citizenship: string
  birthDate: string
}

export interface RenderedName {
  surname: string
  givenNames: string
  originalScript: string | null
}

// ---------------------------------------------------------------- Cyrillic (Ukrainian and Russian)

const cyrCommon: Record<string, string[]> = {
  // letter: [EN, PL, CZ, DE, FR]
  а: ['a', 'a', 'a', 'a', 'a'],
  б: ['b', 'b', 'b', 'b', 'b'],
  в: ['v', 'w', 'v', 'w', 'v'],
  д: ['d', 'd', 'd', 'd', 'd'],
  е: ['e', 'e', 'e', 'e', 'e'],
  ё: ['yo', 'io', 'jo', 'jo', 'io'],
  ж: ['zh', 'ż', 'ž', 'sch', 'j'],
  з: ['z', 'z', 'z', 's', 'z'],
  й: ['y', 'j', 'j', 'j', 'ï'],
  к: ['k', 'k', 'k', 'k', 'k'],
  л: ['l', 'l', 'l', 'l', 'l'],
  м: ['m', 'm', 'm', 'm', 'm'],
  н: ['n', 'n', 'n', 'n', 'n'],
  о: ['o', 'o', 'o', 'o', 'o'],
  п: ['p', 'p', 'p', 'p', 'p'],
  р: ['r', 'r', 'r', 'r', 'r'],
  с: ['s', 's', 's', 's', 's'],
  т: ['t', 't', 't', 't', 't'],
  у: ['u', 'u', 'u', 'u', 'ou'],
  ф: ['f', 'f', 'f', 'f', 'f'],
  х: ['kh', 'ch', 'ch', 'ch', 'kh'],
  ц: ['ts', 'c', 'c', 'z', 'ts'],
  ч: ['ch', 'cz', 'č', 'tsch', 'tch'],
  ш: ['sh', 'sz', 'š', 'sch', 'ch'],
  щ: ['shch', 'szcz', 'šč', 'schtsch', 'chtch'],
  ъ: ['', '', '', '', ''],
  ы: ['y', 'y', 'y', 'y', 'y'],
  ь: ['', '', '', '', ''],
  э: ['e', 'e', 'e', 'e', 'e'],
  ю: ['yu', 'iu', 'ju', 'ju', 'iou'],
  я: ['ya', 'ia', 'ja', 'ja', 'ia'],
  і: ['i', 'i', 'i', 'i', 'i'],
  ї: ['yi', 'ji', 'ji', 'ji', 'ï'],
  є: ['ye', 'je', 'je', 'je', 'ie'],
  ґ: ['g', 'g', 'g', 'g', 'g'],
  "'": ['', '', '', '', ''],
  ' ': [' ', ' ', ' ', ' ', ' '],
  '-': ['-', '-', '-', '-', '-'],
}
const cyrVowels = new Set('аеёиіїоуыэюяє')

function transliterateCyrillic(text: string, scheme: number, lang: 'uk' | 'ru'): string {
  let out = ''
  const lower = text.toLowerCase()
  for (let i = 0; i < lower.length; i += 1) {
    const ch = lower[i]!
    const prev = i > 0 ? lower[i - 1]! : ' '
    const initial = prev === ' ' || prev === '-' || cyrVowels.has(prev)
    if (ch === 'г') out += lang === 'uk' ? 'h' : 'g'
    else if (ch === 'и') out += lang === 'uk' ? 'y' : 'i'
    else if (ch === 'е' && lang === 'ru' && initial && scheme > 0 && scheme < 4) out += 'je'
    else if ((ch === 'я' || ch === 'ю') && initial && scheme === 1) out += ch === 'я' ? 'ja' : 'ju'
    else if (ch === 'с' && scheme >= 3 && cyrVowels.has(prev) && cyrVowels.has(lower[i + 1] ?? ' '))
      out += 'ss'
    else out += cyrCommon[ch]?.[scheme] ?? ch
  }
  return out
}

const ukSurnames = [
  'Шевченко',
  'Коваленко',
  'Бондаренко',
  'Ткаченко',
  'Кравченко',
  'Олійник',
  'Мельник',
  'Шевчук',
  'Поліщук',
  'Бойко',
  'Ковальчук',
  'Лисенко',
  'Марченко',
  'Іваненко',
  'Руденко',
  'Савченко',
  'Петренко',
  'Клименко',
  'Павленко',
  'Кузьменко',
  'Гончаренко',
  'Гриценко',
  'Харченко',
  'Захарченко',
  'Мороз',
]
const ruSurnames = [
  'Иванов',
  'Смирнов',
  'Кузнецов',
  'Попов',
  'Васильев',
  'Петров',
  'Соколов',
  'Михайлов',
  'Новиков',
  'Федоров',
  'Морозов',
  'Волков',
  'Алексеев',
  'Лебедев',
  'Семенов',
  'Егоров',
  'Павлов',
  'Козлов',
  'Степанов',
  'Николаев',
  'Орлов',
  'Андреев',
  'Макаров',
  'Никитин',
  'Захаров',
  'Зайцев',
  'Соловьев',
]
const ukGivenM = [
  'Олександр',
  'Андрій',
  'Сергій',
  'Володимир',
  'Дмитро',
  'Тарас',
  'Іван',
  'Михайло',
  'Юрій',
  'Олег',
  'Віктор',
  'Микола',
  'Василь',
  'Петро',
  'Богдан',
  'Максим',
  'Артем',
  'Денис',
  'Павло',
  'Роман',
  'Ярослав',
  'Євген',
  'Ігор',
  'Григорій',
  'Костянтин',
]
const ukGivenF = [
  'Олена',
  'Наталія',
  'Тетяна',
  'Оксана',
  'Ірина',
  'Юлія',
  'Світлана',
  'Марія',
  'Людмила',
  'Анна',
  'Катерина',
  'Ольга',
  'Галина',
  'Вікторія',
  'Ганна',
  'Ярослава',
  'Надія',
  'Христина',
  'Софія',
  'Дарина',
]
const ruGivenM = [
  'Александр',
  'Алексей',
  'Дмитрий',
  'Сергей',
  'Андрей',
  'Евгений',
  'Никита',
  'Илья',
  'Юрий',
  'Владимир',
  'Михаил',
  'Николай',
  'Игорь',
  'Олег',
  'Павел',
  'Роман',
  'Григорий',
  'Константин',
  'Виктор',
  'Иван',
]
const ruGivenF = [
  'Елена',
  'Наталья',
  'Татьяна',
  'Екатерина',
  'Анастасия',
  'Ксения',
  'Ирина',
  'Ольга',
  'Мария',
  'Светлана',
  'Юлия',
  'Анна',
  'Людмила',
  'Галина',
  'Дарья',
  'Полина',
  'Евгения',
  'Надежда',
]
const cyrOnsets = [
  'б',
  'в',
  'г',
  'д',
  'ж',
  'з',
  'к',
  'л',
  'м',
  'н',
  'п',
  'р',
  'с',
  'т',
  'ф',
  'х',
  'ц',
  'ч',
  'ш',
  'кр',
  'гр',
  'бр',
  'пр',
  'тр',
  'ст',
  'сл',
  'кл',
  'пл',
  'дз',
  'хм',
]
const cyrNuclei = ['а', 'о', 'е', 'у', 'и', 'я', 'ю']
const cyrCodas = ['', '', 'л', 'н', 'р', 'к', 'ш', 'ч', 'в', 'с', 'д', 'т', 'м']
const ukSuffixes = ['енко', 'ук', 'чук', 'юк', 'ак', 'як', 'ич', 'ко', 'ишин', 'ець', 'ський', 'ів', 'ан']
const ruSuffixes = ['ов', 'ев', 'ин', 'ский', 'кин', 'цов', 'енков', 'ых', 'ич']

function cyrRoot(rng: Rng): string {
  let root = ''
  const syllables = rng.chance(0.55) ? 1 : 2
  for (let i = 0; i < syllables; i += 1) root += rng.pick(cyrOnsets) + rng.pick(cyrNuclei)
  return root + rng.pick(cyrCodas)
}

function feminineCyr(surname: string, lang: 'uk' | 'ru'): string {
  if (/(ов|ев|ин|цов|кин)$/.test(surname)) return surname + 'а'
  if (surname.endsWith('ський')) return surname.slice(0, -4) + 'ька'
  if (surname.endsWith('ский')) return surname.slice(0, -4) + 'ская'
  if (surname.endsWith('ий') && lang === 'ru') return surname.slice(0, -2) + 'ая'
  return surname
}

function capitalise(text: string): string {
  return text.replace(/(^|[\s-])(\p{L})/gu, (_m, sep: string, c: string) => sep + c.toUpperCase())
}

// ---------------------------------------------------------------- Georgian

const kaLetters: Record<string, string[]> = {
  // letter: [national, PL, CZ, DE, FR]
  ა: ['a', 'a', 'a', 'a', 'a'],
  ბ: ['b', 'b', 'b', 'b', 'b'],
  გ: ['g', 'g', 'g', 'g', 'g'],
  დ: ['d', 'd', 'd', 'd', 'd'],
  ე: ['e', 'e', 'e', 'e', 'e'],
  ვ: ['v', 'w', 'v', 'w', 'v'],
  ზ: ['z', 'z', 'z', 's', 'z'],
  თ: ['t', 't', 't', 't', 't'],
  ი: ['i', 'i', 'i', 'i', 'i'],
  კ: ['k', 'k', 'k', 'k', 'k'],
  ლ: ['l', 'l', 'l', 'l', 'l'],
  მ: ['m', 'm', 'm', 'm', 'm'],
  ნ: ['n', 'n', 'n', 'n', 'n'],
  ო: ['o', 'o', 'o', 'o', 'o'],
  პ: ['p', 'p', 'p', 'p', 'p'],
  ჟ: ['zh', 'ż', 'ž', 'sch', 'j'],
  რ: ['r', 'r', 'r', 'r', 'r'],
  ს: ['s', 's', 's', 's', 's'],
  ტ: ['t', 't', 't', 't', 't'],
  უ: ['u', 'u', 'u', 'u', 'ou'],
  ფ: ['p', 'p', 'p', 'p', 'p'],
  ქ: ['k', 'k', 'k', 'k', 'k'],
  ღ: ['gh', 'gh', 'gh', 'gh', 'gh'],
  ყ: ['q', 'k', 'k', 'k', 'q'],
  შ: ['sh', 'sz', 'š', 'sch', 'ch'],
  ჩ: ['ch', 'cz', 'č', 'tsch', 'tch'],
  ც: ['ts', 'c', 'c', 'z', 'ts'],
  ძ: ['dz', 'dz', 'dz', 'ds', 'dz'],
  წ: ['ts', 'c', 'c', 'z', 'ts'],
  ჭ: ['ch', 'cz', 'č', 'tsch', 'tch'],
  ხ: ['kh', 'ch', 'ch', 'ch', 'kh'],
  ჯ: ['j', 'dż', 'dž', 'dsch', 'dj'],
  ჰ: ['h', 'h', 'h', 'h', 'h'],
  ' ': [' ', ' ', ' ', ' ', ' '],
}
const kaSurnames = [
  'ბერიძე',
  'კაპანაძე',
  'გელაშვილი',
  'მაისურაძე',
  'გიორგაძე',
  'ლომიძე',
  'ცინცაძე',
  'ბოლქვაძე',
  'ნოზაძე',
  'ხუციშვილი',
  'ჯავახიშვილი',
  'ტაბატაძე',
  'კვარაცხელია',
  'გოგია',
  'ჩიქოვანი',
  'მამულაშვილი',
  'შენგელია',
]
const kaGivenM = [
  'გიორგი',
  'დავით',
  'ლევან',
  'ნიკოლოზ',
  'ზურაბ',
  'ირაკლი',
  'ლაშა',
  'გიგა',
  'ალექსანდრე',
  'თორნიკე',
]
const kaGivenF = [
  'ნინო',
  'თამარ',
  'მარიამ',
  'ეკატერინე',
  'ქეთევან',
  'ანა',
  'სალომე',
  'ნათია',
  'ხატია',
  'მაკა',
]
const kaSyllables = [
  'ბე',
  'ლა',
  'გე',
  'ლო',
  'მა',
  'ცი',
  'ხუ',
  'ჯა',
  'ვა',
  'ხი',
  'ტა',
  'ბა',
  'ნო',
  'ზა',
  'გო',
  'კვა',
  'რა',
  'ცხე',
  'ქო',
  'ჩი',
  'შა',
  'თა',
  'ძი',
  'წე',
  'ჭი',
  'ყი',
  'ღე',
  'ფი',
  'სუ',
  'მე',
  'დე',
  'კი',
  'ნა',
  'რუ',
]
const kaSuffixes = ['შვილი', 'შვილი', 'ძე', 'ძე', 'ია', 'ავა', 'ური', 'ანი', 'ული']

// ---------------------------------------------------------------- Arabic (canonical romanisation)

/** Canonical spelling: ā ī ū long vowels, doubled letters for shadda, `al-` article. */
const arGivenM = [
  'muhammad',
  'ahmad',
  'mahmūd',
  'husayn',
  'alī',
  'hasan',
  'ibrāhīm',
  'yūsuf',
  'umar',
  'khālid',
  'mustafā',
  'abdallāh',
  'saīd',
  'karīm',
  'tāriq',
  'walīd',
  'jamāl',
  'nāsir',
  'samīr',
  'hishām',
  'bilāl',
  'zayd',
  'abd al-rahmān',
  'uthmān',
  'qāsim',
]
const arGivenF = [
  'fātima',
  'āisha',
  'maryam',
  'zaynab',
  'khadīja',
  'nūr',
  'layla',
  'amīra',
  'salmā',
  'hudā',
  'rāniya',
  'yāsmīn',
  'suhayla',
  'jamīla',
  'samīra',
]
const arCommonSurnames = [
  'al-hāshimī',
  'al-tamīmī',
  'al-qurashī',
  'al-shāmī',
  'al-baghdādī',
  'al-masrī',
  'al-halabī',
  'haddād',
  'khatīb',
  'mansūr',
  'nāsir',
  'husayn',
  'abbās',
  'al-jabbūrī',
  'al-dūrī',
  'shaykh',
  'qāsim',
  'yūsuf',
]
const arConsonants = [
  'b',
  't',
  'th',
  'j',
  'h',
  'kh',
  'd',
  'r',
  'z',
  's',
  'sh',
  'f',
  'q',
  'k',
  'l',
  'm',
  'n',
  'w',
  'gh',
]
const arPatterns = ['1a22ā3', '1ā2i3', 'ma12ū3', '1a2ī3', '1u2ay3', '1a22ūr', '1ā2ūr', 'a12a3']

function arabicSurname(rng: Rng): string {
  const [c1, c2, c3] = [rng.pick(arConsonants), rng.pick(arConsonants), rng.pick(arConsonants)]
  let name = rng.pick(arPatterns).replace(/[123]/g, (d) => (d === '1' ? c1 : d === '2' ? c2 : c3))
  if (rng.chance(0.45)) name = `${name}ī`
  if (rng.chance(0.5)) name = `al-${name}`
  return name
}

/** [EN, FR, DE, Gulf ASCII, Egyptian]: how each tradition writes the same Arabic sounds. */
function renderArabic(canonical: string, scheme: number): string {
  let s = canonical
  const article = ['Al-', 'El ', 'Al-', 'Al', 'El-'][scheme]!
  s = s.replace(/\bal-/g, '§')
  if (scheme === 1)
    s = s
      .replace(/sh/g, 'ʃ')
      .replace(/ū|u/g, 'ou')
      .replace(/ay/g, 'ai')
      .replace(/j/g, 'dj')
      .replace(/q/g, 'k')
      .replace(/ʃ/g, 'ch')
  if (scheme === 2)
    s = s
      .replace(/sh/g, 'sch')
      .replace(/kh/g, 'ch')
      .replace(/j/g, 'dsch')
      .replace(/ay/g, 'ei')
      .replace(/q/g, 'k')
  if (scheme === 3)
    s = s
      .replace(/ū/g, 'oo')
      .replace(/ī/g, 'ee')
      .replace(/q/g, 'g')
      .replace(/([bcdfghjklmnpqrstvwxz])\1/g, '$1')
  if (scheme === 4)
    s = s
      .replace(/j/g, 'g')
      .replace(/th/g, 's')
      .replace(/ay/g, 'ei')
      .replace(/u(?=[^ūāī])/g, 'o')
      .replace(/a(?=([bdfhklmnrst])\1)/g, 'a')
      .replace(/ammad/g, 'ammed')
  s = s.replace(/ā/g, 'a').replace(/ī/g, 'i').replace(/ū/g, 'u')
  return capitalise(s.replace(/§/g, article))
}

const arScript: Record<string, string> = {
  b: 'ب',
  t: 'ت',
  th: 'ث',
  j: 'ج',
  h: 'ح',
  kh: 'خ',
  d: 'د',
  r: 'ر',
  z: 'ز',
  s: 'س',
  sh: 'ش',
  f: 'ف',
  q: 'ق',
  k: 'ك',
  l: 'ل',
  m: 'م',
  n: 'ن',
  w: 'و',
  y: 'ي',
  gh: 'غ',
  ā: 'ا',
  ī: 'ي',
  ū: 'و',
  ' ': ' ',
}
function arabicScript(canonical: string): string {
  const s = canonical.replace(/al-/g, 'ال').replace(/([a-zāīū])\1/g, '$1')
  let out = ''
  for (let i = 0; i < s.length;) {
    const two = s.slice(i, i + 2)
    if (arScript[two] && two.length === 2) {
      out += arScript[two]
      i += 2
      continue
    }
    const one = s[i]!
    if (i === 0 && (one === 'a' || one === 'u' || one === 'i')) out += 'ا'
    else if (arScript[one] !== undefined) out += arScript[one]
    else if (!'aiu'.includes(one)) out += one
    i += 1
  }
  return out
}

// ---------------------------------------------------------------- Turkish and Vietnamese

const trSurnames = [
  'Yılmaz',
  'Kaya',
  'Demir',
  'Şahin',
  'Çelik',
  'Yıldız',
  'Yıldırım',
  'Öztürk',
  'Aydın',
  'Özdemir',
  'Arslan',
  'Doğan',
  'Kılıç',
  'Aslan',
  'Çetin',
  'Kara',
  'Koç',
  'Kurt',
  'Özkan',
  'Şimşek',
  'Polat',
  'Özcan',
  'Korkmaz',
  'Çakır',
  'Erdoğan',
  'Yavuz',
  'Can',
  'Acar',
  'Şen',
  'Aktaş',
  'Güler',
  'Yalçın',
  'Güneş',
  'Bozkurt',
]
const trPrefixes = [
  'Öz',
  'Kara',
  'Ak',
  'Gök',
  'Yıl',
  'Er',
  'Ay',
  'Demir',
  'Çelik',
  'Kurt',
  'Tur',
  'Baş',
  'Gül',
  'Şen',
  'Uğur',
  'Coş',
]
const trSuffixes = [
  'türk',
  'demir',
  'kan',
  'dağ',
  'soy',
  'oğlu',
  'er',
  'can',
  'taş',
  'bay',
  'gül',
  'kaya',
  'çelik',
  'yol',
  'han',
  'ışık',
]
const trGivenM = [
  'Mehmet',
  'Mustafa',
  'Ahmet',
  'Ali',
  'Hüseyin',
  'Hasan',
  'İbrahim',
  'İsmail',
  'Osman',
  'Yusuf',
  'Murat',
  'Ömer',
  'Ramazan',
  'Halil',
  'Süleyman',
  'Abdullah',
  'Mahmut',
  'Recep',
  'Emre',
  'Burak',
  'Çağrı',
  'Oğuz',
  'Barış',
]
const trGivenF = [
  'Fatma',
  'Ayşe',
  'Emine',
  'Hatice',
  'Zeynep',
  'Elif',
  'Meryem',
  'Şerife',
  'Zehra',
  'Sultan',
  'Hanife',
  'Merve',
  'Özlem',
  'Gül',
  'Büşra',
  'Çiğdem',
]

function renderTurkish(text: string, scheme: number): string {
  if (scheme === 0) return text
  const maps: Array<Record<string, string>> = [
    {},
    { ş: 's', Ş: 'S', ç: 'c', Ç: 'C', ğ: 'g', ı: 'i', İ: 'I', ö: 'o', Ö: 'O', ü: 'u', Ü: 'U' },
    { ş: 'sch', Ş: 'Sch', ç: 'tsch', Ç: 'Tsch', ğ: '', ı: 'i', İ: 'I', z: 's' },
    { ş: 'sh', Ş: 'Sh', ç: 'ch', Ç: 'Ch', ğ: 'g', ı: 'i', İ: 'I', ö: 'o', Ö: 'O', ü: 'u', Ü: 'U' },
  ]
  const map = maps[scheme]!
  return [...text].map((c) => map[c] ?? c).join('')
}

const viSurnames = [
  'Nguyễn',
  'Nguyễn',
  'Nguyễn',
  'Nguyễn',
  'Trần',
  'Lê',
  'Phạm',
  'Hoàng',
  'Huỳnh',
  'Phan',
  'Vũ',
  'Võ',
  'Đặng',
  'Bùi',
  'Đỗ',
  'Hồ',
  'Ngô',
  'Dương',
  'Lý',
  'Đinh',
  'Trương',
  'Lâm',
  'Mai',
  'Trịnh',
]
const viMiddleM = ['Văn', 'Văn', 'Đức', 'Minh', 'Hữu', 'Quang', 'Thanh', 'Công', 'Xuân']
const viMiddleF = ['Thị', 'Thị', 'Ngọc', 'Thanh', 'Minh', 'Thu', 'Kim', 'Bích']
const viGivenM = [
  'Anh',
  'Hùng',
  'Dũng',
  'Tuấn',
  'Nam',
  'Long',
  'Hải',
  'Khánh',
  'Quân',
  'Thắng',
  'Hiếu',
  'Việt',
  'Sơn',
  'Phúc',
  'Bảo',
  'Trung',
  'Hoàng',
  'Tài',
]
const viGivenF = [
  'Anh',
  'Hương',
  'Lan',
  'Linh',
  'Mai',
  'Hà',
  'Phương',
  'Trang',
  'Thảo',
  'Hạnh',
  'Hoa',
  'Huyền',
  'Yến',
  'Thủy',
  'Nga',
  'Ngân',
  'Vy',
  'Nhung',
]

function stripVietnamese(text: string): string {
  return text.replace(/đ/g, 'd').replace(/Đ/g, 'D').normalize('NFD').replace(/\p{M}/gu, '').normalize('NFC')
}

// ---------------------------------------------------------------- identities and spellings

const citizenships: Record<Origin, ReadonlyArray<readonly [string, number]>> = {
  uk: [
    ['UKR', 0.9],
    ['MDA', 0.05],
    ['POL', 0.05],
  ],
  ru: [
    ['RUS', 0.55],
    ['BLR', 0.3],
    ['KAZ', 0.1],
    ['UKR', 0.05],
  ],
  ar: [
    ['SYR', 0.3],
    ['IRQ', 0.25],
    ['EGY', 0.15],
    ['MAR', 0.1],
    ['DZA', 0.1],
    ['JOR', 0.05],
    ['LBN', 0.05],
  ],
  ka: [['GEO', 1]],
  tr: [['TUR', 1]],
  vi: [['VNM', 1]],
}

/** How many distinct romanisations an origin has (more spellings of one person repeat with a typo). */
export const schemeCount: Record<Origin, number> = { uk: 5, ru: 5, ar: 5, ka: 5, tr: 4, vi: 2 }

function birthDate(rng: Rng): string {
  const year = rng.between(1945, 2008)
  const month = rng.between(1, 12)
  const day = rng.between(1, 28)
  return `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`
}

export function newIdentity(rng: Rng, fixed?: { origin: Origin; sex: 'M' | 'F' }): Identity {
  const origin =
    fixed?.origin ??
    rng.weighted<Origin>([
      ['uk', 0.3],
      ['ru', 0.15],
      ['ar', 0.2],
      ['ka', 0.1],
      ['tr', 0.15],
      ['vi', 0.1],
    ])
  const sex = fixed?.sex ?? (rng.chance(0.55) ? 'M' : 'F')
  const m = sex === 'M'
  let surname: string
  let given: string
  switch (origin) {
    case 'uk':
    case 'ru': {
      const uk = origin === 'uk'
      surname = rng.chance(0.25)
        ? rng.pickSkewed(uk ? ukSurnames : ruSurnames)
        : capitalise(cyrRoot(rng) + rng.pick(uk ? ukSuffixes : ruSuffixes))
      if (!m) surname = feminineCyr(surname, origin)
      given = rng.pickSkewed(m ? (uk ? ukGivenM : ruGivenM) : uk ? ukGivenF : ruGivenF, 1.3)
      break
    }
    case 'ka': {
      surname = rng.chance(0.2)
        ? rng.pick(kaSurnames)
        : rng.pick(kaSyllables) +
          rng.pick(kaSyllables) +
          (rng.chance(0.4) ? rng.pick(kaSyllables) : '') +
          rng.pick(kaSuffixes)
      given = rng.pick(m ? kaGivenM : kaGivenF)
      break
    }
    case 'ar': {
      surname = rng.chance(0.2) ? rng.pickSkewed(arCommonSurnames) : arabicSurname(rng)
      given = rng.pickSkewed(m ? arGivenM : arGivenF, 1.4)
      if (rng.chance(0.3)) given += ' ' + rng.pick(arGivenM)
      break
    }
    case 'tr': {
      surname = rng.chance(0.6) ? rng.pickSkewed(trSurnames) : rng.pick(trPrefixes) + rng.pick(trSuffixes)
      given = rng.pickSkewed(m ? trGivenM : trGivenF, 1.3)
      if (rng.chance(0.15)) given += ' ' + rng.pick(m ? trGivenM : trGivenF)
      break
    }
    case 'vi': {
      surname = rng.pickSkewed(viSurnames, 1.2)
      given = `${rng.pick(m ? viMiddleM : viMiddleF)} ${rng.pick(m ? viGivenM : viGivenF)}`
      break
    }
  }
  return {
    origin,
    sex,
    surname,
    given,
    citizenship: rng.weighted(citizenships[origin]),
    birthDate: birthDate(rng),
  }
}

/** The identity as written in romanisation `scheme` (0..schemeCount-1). */
export function renderName(id: Identity, scheme: number): RenderedName {
  switch (id.origin) {
    case 'uk':
    case 'ru':
      return {
        surname: capitalise(transliterateCyrillic(id.surname, scheme, id.origin)),
        givenNames: capitalise(transliterateCyrillic(id.given, scheme, id.origin)),
        originalScript: `${id.surname} ${id.given}`,
      }
    case 'ka': {
      const tr = (s: string) => capitalise([...s].map((c) => kaLetters[c]?.[scheme] ?? c).join(''))
      return {
        surname: tr(id.surname),
        givenNames: tr(id.given),
        originalScript: `${id.surname} ${id.given}`,
      }
    }
    case 'ar':
      return {
        surname: renderArabic(id.surname, scheme),
        givenNames: renderArabic(id.given, scheme),
        originalScript: `${arabicScript(id.surname)} ${arabicScript(id.given)}`,
      }
    case 'tr':
      return {
        surname: renderTurkish(id.surname, scheme),
        givenNames: renderTurkish(id.given, scheme),
        originalScript: null,
      }
    case 'vi':
      return scheme === 0
        ? { surname: id.surname, givenNames: id.given, originalScript: null }
        : {
            surname: stripVietnamese(id.surname),
            givenNames: stripVietnamese(id.given),
            originalScript: null,
          }
  }
}

const keyboardNeighbours: Record<string, string> = {
  a: 's',
  e: 'r',
  i: 'o',
  o: 'i',
  u: 'y',
  n: 'm',
  m: 'n',
  r: 't',
  s: 'a',
  t: 'r',
  k: 'l',
  l: 'k',
  v: 'b',
  h: 'j',
}

/** One clerk's slip in the surname: a substituted, dropped, doubled or swapped letter. */
export function withTypo(name: RenderedName, rng: Rng): RenderedName {
  const s = name.surname
  if (s.length < 4) return name
  const i = rng.between(1, s.length - 2)
  const c = s[i]!
  let typo: string
  switch (rng.int(4)) {
    case 0:
      typo = s.slice(0, i) + (keyboardNeighbours[c] ?? c) + s.slice(i + 1)
      break
    case 1:
      typo = s.slice(0, i) + s.slice(i + 1)
      break
    case 2:
      typo = s.slice(0, i) + c + s.slice(i)
      break
    default:
      typo = s.slice(0, i) + s[i + 1]! + c + s.slice(i + 2)
  }
  return { ...name, surname: typo }
}

/**
 * A different person whose name looks like `id`'s: same given name and a surname one letter away,
 * or same surname with another given name of the same sex. Not the same identity: a good search
 * ranks the real person's other spellings above it.
 */
export function lookAlike(id: Identity, rng: Rng): Identity {
  const decoy: Identity = { ...id, birthDate: birthDate(rng) }
  for (let attempt = 0; attempt < 20; attempt += 1) {
    if (attempt % 2 === 0 && id.origin !== 'vi') {
      const chars = [...id.surname]
      const i = rng.between(1, chars.length - 2)
      const pool = chars.filter((c, j) => j > 0 && c !== chars[i] && c !== ' ' && c !== '-')
      if (pool.length) chars[i] = rng.pick(pool)
      decoy.surname = chars.join('')
      decoy.given = id.given
    } else {
      decoy.surname = id.surname
      decoy.given = newIdentity(rng, { origin: id.origin, sex: id.sex }).given
    }
    const a = renderName(decoy, 0)
    const b = renderName(id, 0)
    if (a.surname !== b.surname || a.givenNames !== b.givenNames) return decoy
  }
  decoy.surname = id.surname + (id.origin === 'vi' ? ' Thi' : 'a')
  return decoy
}
