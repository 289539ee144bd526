"""The demo world, modelled on Nagano: its 5 child guidance centres, fostering agencies, facilities
in several regions, municipalities, staff, foster families, and the featured children whose
teams hold the demo sign-ins. All names, addresses and numbers are invented."""

from __future__ import annotations

from dataclasses import dataclass, field

# (key, name, region, address, phone)
CENTRES = [
    ("centre-chuo", "長野県中央児童相談所", "nagano", "長野県長野市大字南長池000-1", "026-000-0101"),
    ("centre-matsumoto", "長野県松本児童相談所", "matsumoto", "長野県松本市大字島立000-2", "0263-00-0102"),
    ("centre-iida", "長野県飯田児童相談所", "minamishinshu", "長野県飯田市追手町000-3", "0265-00-0103"),
    ("centre-suwa", "長野県諏訪児童相談所", "suwa", "長野県諏訪市上川000-4", "0266-00-0104"),
    ("centre-saku", "長野県佐久児童相談所", "saku", "長野県佐久市大字跡部000-5", "0267-00-0105"),
]

AGENCIES = [
    ("agency-nagano", "里親支援センターながの", "nagano", "長野県長野市鶴賀000-11", "026-000-0201"),
    ("agency-matsumoto", "里親支援センターまつもと", "matsumoto", "長野県松本市中央000-12", "0263-00-0202"),
    (
        "agency-iida",
        "里親支援センターみなみしんしゅう",
        "minamishinshu",
        "長野県飯田市本町000-13",
        "0265-00-0203",
    ),
    ("agency-suwa", "里親支援センターすわ", "suwa", "長野県諏訪市高島000-14", "0266-00-0204"),
    ("agency-saku", "里親支援センターさく", "saku", "長野県佐久市中込000-15", "0267-00-0205"),
]

# (key, name, kind, region, address, phone)
FACILITIES = [
    ("infant-aozora", "あおぞら乳児院", "infant_home", "nagano", "長野県長野市三輪000-21", "026-000-0301"),
    ("infant-hikari", "ひかり乳児院", "infant_home", "matsumoto", "長野県松本市蟻ケ崎000-22", "0263-00-0302"),
    ("home-ueda", "うえだ希望の家", "childrens_home", "ueda", "長野県上田市材木町000-23", "0268-00-0303"),
    (
        "home-minami",
        "みなみ学園",
        "childrens_home",
        "minamishinshu",
        "長野県飯田市松尾000-24",
        "0265-00-0304",
    ),
    ("home-kiso", "きそ子どもの家", "childrens_home", "kiso", "長野県木曽郡木曽町000-25", "0264-00-0305"),
    ("home-suwa", "すわ湖畔の家", "childrens_home", "suwa", "長野県諏訪市湖岸通り000-26", "0266-00-0306"),
    (
        "fh-sakura",
        "ファミリーホームさくら",
        "family_home",
        "kamiina",
        "長野県伊那市西町000-27",
        "0265-00-0307",
    ),
    (
        "fh-alps",
        "ファミリーホーム北アルプス",
        "family_home",
        "kitaalps",
        "長野県大町市大町000-28",
        "0261-00-0308",
    ),
    (
        "fh-hokushin",
        "ファミリーホーム北信",
        "family_home",
        "hokushin",
        "長野県中野市三好町000-29",
        "0269-00-0309",
    ),
]

MUNICIPALITIES = [
    ("muni-nagano", "長野市こども家庭センター", "nagano", "長野県長野市緑町000-31", "026-000-0401"),
    ("muni-matsumoto", "松本市こども家庭センター", "matsumoto", "長野県松本市丸の内000-32", "0263-00-0402"),
    ("muni-saku", "佐久市こども家庭センター", "saku", "長野県佐久市中込000-33", "0267-00-0403"),
]

# Which centre a synthetic child of each region belongs to.
CENTRE_OF_REGION = {
    "nagano": "centre-chuo",
    "hokushin": "centre-chuo",
    "ueda": "centre-saku",
    "saku": "centre-saku",
    "matsumoto": "centre-matsumoto",
    "kitaalps": "centre-matsumoto",
    "kiso": "centre-matsumoto",
    "minamishinshu": "centre-iida",
    "kamiina": "centre-suwa",
    "suwa": "centre-suwa",
}


@dataclass(frozen=True)
class DemoPerson:
    key: str
    family_name: str
    given_name: str
    family_kana: str
    given_kana: str
    email: str = ""
    phone: str = ""
    address: str = ""
    # (organisation key, position) for staff
    positions: tuple[tuple[str, str], ...] = ()
    sign_in: str | None = None  # key in app.demo.people.DEMO_SIGN_INS
    is_admin: bool = False


STAFF = [
    DemoPerson(
        "admin", "管理", "花子", "かんり", "はなこ", "admin@example.jp", sign_in="admin", is_admin=True
    ),
    DemoPerson(
        "supervisor",
        "中村",
        "健一",
        "なかむら",
        "けんいち",
        "supervisor@example.jp",
        "026-000-1001",
        positions=(("centre-chuo", "supervisor"),),
        sign_in="supervisor",
    ),
    DemoPerson(
        "caseworker1",
        "佐藤",
        "美咲",
        "さとう",
        "みさき",
        "caseworker1@example.jp",
        "026-000-1002",
        positions=(("centre-chuo", "caseworker"),),
        sign_in="caseworker1",
    ),
    DemoPerson(
        "caseworker2",
        "高橋",
        "大輔",
        "たかはし",
        "だいすけ",
        "caseworker2@example.jp",
        "0263-00-1003",
        positions=(("centre-matsumoto", "caseworker"),),
        sign_in="caseworker2",
    ),
    DemoPerson(
        "coordinator",
        "小林",
        "由美",
        "こばやし",
        "ゆみ",
        "coordinator@example.jp",
        "026-000-1004",
        positions=(("agency-nagano", "agency_coordinator"),),
        sign_in="coordinator",
    ),
    DemoPerson(
        "keyworker",
        "山本",
        "翔",
        "やまもと",
        "しょう",
        "keyworker@example.jp",
        "0268-00-1005",
        positions=(("home-ueda", "key_worker"),),
        sign_in="keyworker",
    ),
    # Staff without a demo sign-in, so that every team role appears somewhere.
    DemoPerson(
        "psychologist-chuo",
        "伊藤",
        "直子",
        "いとう",
        "なおこ",
        "ito.naoko@example.jp",
        "026-000-1006",
        positions=(("centre-chuo", "psychologist"),),
    ),
    DemoPerson(
        "permanency-chuo",
        "渡辺",
        "浩二",
        "わたなべ",
        "こうじ",
        "watanabe.koji@example.jp",
        "026-000-1007",
        positions=(("centre-chuo", "permanency_officer"),),
    ),
    DemoPerson(
        "qpi-chuo",
        "加藤",
        "恵子",
        "かとう",
        "けいこ",
        "kato.keiko@example.jp",
        "026-000-1008",
        positions=(("centre-chuo", "qpi_officer"),),
    ),
    DemoPerson(
        "caseworker-chuo-former",
        "前田",
        "隆",
        "まえだ",
        "たかし",
        "maeda.takashi@example.jp",
        "026-000-1009",
        positions=(("centre-chuo", "caseworker"),),
    ),
    DemoPerson(
        "supervisor-matsumoto",
        "井上",
        "明美",
        "いのうえ",
        "あけみ",
        "inoue.akemi@example.jp",
        "0263-00-1010",
        positions=(("centre-matsumoto", "supervisor"),),
    ),
    DemoPerson(
        "caseworker-iida",
        "清水",
        "和也",
        "しみず",
        "かずや",
        "shimizu.kazuya@example.jp",
        "0265-00-1011",
        positions=(("centre-iida", "caseworker"),),
    ),
    DemoPerson(
        "caseworker-suwa",
        "森",
        "智子",
        "もり",
        "ともこ",
        "mori.tomoko@example.jp",
        "0266-00-1012",
        positions=(("centre-suwa", "caseworker"),),
    ),
    DemoPerson(
        "caseworker-saku",
        "池田",
        "修",
        "いけだ",
        "おさむ",
        "ikeda.osamu@example.jp",
        "0267-00-1013",
        positions=(("centre-saku", "caseworker"),),
    ),
    DemoPerson(
        "psychologist-matsumoto",
        "橋本",
        "久美子",
        "はしもと",
        "くみこ",
        "hashimoto.kumiko@example.jp",
        "0263-00-1014",
        positions=(("centre-matsumoto", "psychologist"),),
    ),
    DemoPerson(
        "coordinator-matsumoto",
        "阿部",
        "学",
        "あべ",
        "まなぶ",
        "abe.manabu@example.jp",
        "0263-00-1015",
        positions=(("agency-matsumoto", "agency_coordinator"),),
    ),
    DemoPerson(
        "coordinator-iida",
        "石川",
        "真理",
        "いしかわ",
        "まり",
        "ishikawa.mari@example.jp",
        "0265-00-1016",
        positions=(("agency-iida", "agency_coordinator"),),
    ),
    DemoPerson(
        "coordinator-suwa",
        "中島",
        "勇気",
        "なかじま",
        "ゆうき",
        "nakajima.yuki@example.jp",
        "0266-00-1017",
        positions=(("agency-suwa", "agency_coordinator"),),
    ),
    DemoPerson(
        "coordinator-saku",
        "藤田",
        "綾",
        "ふじた",
        "あや",
        "fujita.aya@example.jp",
        "0267-00-1018",
        positions=(("agency-saku", "agency_coordinator"),),
    ),
    DemoPerson(
        "keyworker-aozora",
        "岡田",
        "香織",
        "おかだ",
        "かおり",
        "okada.kaori@example.jp",
        "026-000-1019",
        positions=(("infant-aozora", "key_worker"),),
    ),
    DemoPerson(
        "keyworker-hikari",
        "後藤",
        "美穂",
        "ごとう",
        "みほ",
        "goto.miho@example.jp",
        "0263-00-1020",
        positions=(("infant-hikari", "key_worker"),),
    ),
    DemoPerson(
        "keyworker-minami",
        "長谷川",
        "拓也",
        "はせがわ",
        "たくや",
        "hasegawa.takuya@example.jp",
        "0265-00-1021",
        positions=(("home-minami", "key_worker"),),
    ),
    DemoPerson(
        "keyworker-kiso",
        "村上",
        "沙織",
        "むらかみ",
        "さおり",
        "murakami.saori@example.jp",
        "0264-00-1022",
        positions=(("home-kiso", "key_worker"),),
    ),
    DemoPerson(
        "keyworker-suwa",
        "近藤",
        "健",
        "こんどう",
        "けん",
        "kondo.ken@example.jp",
        "0266-00-1023",
        positions=(("home-suwa", "key_worker"),),
    ),
    DemoPerson(
        "keyworker-sakura",
        "坂本",
        "陽子",
        "さかもと",
        "ようこ",
        "sakamoto.yoko@example.jp",
        "0265-00-1024",
        positions=(("fh-sakura", "key_worker"),),
    ),
    DemoPerson(
        "keyworker-alps",
        "遠藤",
        "剛",
        "えんどう",
        "つよし",
        "endo.tsuyoshi@example.jp",
        "0261-00-1025",
        positions=(("fh-alps", "key_worker"),),
    ),
    DemoPerson(
        "keyworker-hokushin",
        "青木",
        "舞",
        "あおき",
        "まい",
        "aoki.mai@example.jp",
        "0269-00-1026",
        positions=(("fh-hokushin", "key_worker"),),
    ),
    DemoPerson(
        "municipal-nagano",
        "吉田",
        "康介",
        "よしだ",
        "こうすけ",
        "yoshida.kosuke@example.jp",
        "026-000-1027",
        positions=(("muni-nagano", "municipal_worker"),),
    ),
    DemoPerson(
        "municipal-matsumoto",
        "西村",
        "千尋",
        "にしむら",
        "ちひろ",
        "nishimura.chihiro@example.jp",
        "0263-00-1028",
        positions=(("muni-matsumoto", "municipal_worker"),),
    ),
    DemoPerson(
        "municipal-saku",
        "福田",
        "亮",
        "ふくだ",
        "りょう",
        "fukuda.ryo@example.jp",
        "0267-00-1029",
        positions=(("muni-saku", "municipal_worker"),),
    ),
]

# The case worker, coordinator and municipal worker of each centre's area (for synthetic children).
CENTRE_STAFF = {
    "centre-chuo": ("caseworker1", "coordinator", "municipal-nagano", "psychologist-chuo"),
    "centre-matsumoto": (
        "caseworker2",
        "coordinator-matsumoto",
        "municipal-matsumoto",
        "psychologist-matsumoto",
    ),
    "centre-iida": ("caseworker-iida", "coordinator-iida", None, None),
    "centre-suwa": ("caseworker-suwa", "coordinator-suwa", None, None),
    "centre-saku": ("caseworker-saku", "coordinator-saku", "municipal-saku", None),
}

KEY_WORKER_OF_FACILITY = {
    "infant-aozora": "keyworker-aozora",
    "infant-hikari": "keyworker-hikari",
    "home-ueda": "keyworker",
    "home-minami": "keyworker-minami",
    "home-kiso": "keyworker-kiso",
    "home-suwa": "keyworker-suwa",
    "fh-sakura": "keyworker-sakura",
    "fh-alps": "keyworker-alps",
    "fh-hokushin": "keyworker-hokushin",
}


@dataclass(frozen=True)
class DemoHousehold:
    key: str
    name: str
    agency: str
    address: str
    phone: str
    members: tuple[DemoPerson, ...]
    kinship: bool = False


HOUSEHOLDS = [
    DemoHousehold(
        "hh-tanaka",
        "田中家",
        "agency-nagano",
        "長野県長野市若里0-1-2",
        "026-000-2001",
        (
            DemoPerson(
                "foster1",
                "田中",
                "裕子",
                "たなか",
                "ゆうこ",
                "foster1@example.jp",
                "090-0000-2001",
                "長野県長野市若里0-1-2",
                sign_in="foster1",
            ),
            DemoPerson(
                "foster1-spouse",
                "田中",
                "誠",
                "たなか",
                "まこと",
                "tanaka.makoto@example.jp",
                "090-0000-2002",
                "長野県長野市若里0-1-2",
            ),
        ),
    ),
    DemoHousehold(
        "hh-suzuki",
        "鈴木家",
        "agency-matsumoto",
        "長野県松本市県0-3-4",
        "0263-00-2003",
        (
            DemoPerson(
                "foster2",
                "鈴木",
                "一郎",
                "すずき",
                "いちろう",
                "foster2@example.jp",
                "090-0000-2003",
                "長野県松本市県0-3-4",
                sign_in="foster2",
            ),
            DemoPerson(
                "foster2-spouse",
                "鈴木",
                "久美",
                "すずき",
                "くみ",
                "suzuki.kumi@example.jp",
                "090-0000-2004",
                "長野県松本市県0-3-4",
            ),
        ),
    ),
    DemoHousehold(
        "hh-sasaki",
        "佐々木家",
        "agency-nagano",
        "長野県長野市篠ノ井0-5-6",
        "026-000-2005",
        (
            DemoPerson(
                "fp-sasaki",
                "佐々木",
                "恵",
                "ささき",
                "めぐみ",
                "sasaki.megumi@example.jp",
                "090-0000-2005",
                "長野県長野市篠ノ井0-5-6",
            ),
        ),
    ),
    DemoHousehold(
        "hh-yamaguchi",
        "山口家",
        "agency-matsumoto",
        "長野県安曇野市豊科0-7-8",
        "0263-00-2006",
        (
            DemoPerson(
                "fp-yamaguchi",
                "山口",
                "浩",
                "やまぐち",
                "ひろし",
                "yamaguchi.hiroshi@example.jp",
                "090-0000-2006",
                "長野県安曇野市豊科0-7-8",
            ),
        ),
    ),
    DemoHousehold(
        "hh-matsumoto",
        "松本家",
        "agency-iida",
        "長野県飯田市上郷0-9-1",
        "0265-00-2007",
        (
            DemoPerson(
                "fp-matsumoto",
                "松本",
                "千夏",
                "まつもと",
                "ちなつ",
                "matsumoto.chinatsu@example.jp",
                "090-0000-2007",
                "長野県飯田市上郷0-9-1",
            ),
        ),
    ),
    DemoHousehold(
        "hh-hayashi",
        "林家",
        "agency-suwa",
        "長野県茅野市塚原0-2-3",
        "0266-00-2008",
        (
            DemoPerson(
                "fp-hayashi",
                "林",
                "徹",
                "はやし",
                "とおる",
                "hayashi.toru@example.jp",
                "090-0000-2008",
                "長野県茅野市塚原0-2-3",
            ),
        ),
    ),
    DemoHousehold(
        "hh-yamazaki",
        "山崎家",
        "agency-saku",
        "長野県佐久市岩村田0-4-5",
        "0267-00-2009",
        (
            DemoPerson(
                "fp-yamazaki",
                "山崎",
                "律子",
                "やまざき",
                "りつこ",
                "yamazaki.ritsuko@example.jp",
                "090-0000-2009",
                "長野県佐久市岩村田0-4-5",
            ),
        ),
    ),
    DemoHousehold(
        "hh-ishii",
        "石井家",
        "agency-nagano",
        "長野県須坂市須坂0-6-7",
        "026-000-2010",
        (
            DemoPerson(
                "fp-ishii",
                "石井",
                "健二",
                "いしい",
                "けんじ",
                "ishii.kenji@example.jp",
                "090-0000-2010",
                "長野県須坂市須坂0-6-7",
            ),
        ),
    ),
    DemoHousehold(
        "hh-kinship-ogawa",
        "小川家（祖父母）",
        "agency-nagano",
        "長野県千曲市屋代0-8-9",
        "026-000-2011",
        (
            DemoPerson(
                "kin-ogawa", "小川", "正", "おがわ", "ただし", "", "090-0000-2011", "長野県千曲市屋代0-8-9"
            ),
        ),
        kinship=True,
    ),
    DemoHousehold(
        "hh-kinship-maeda",
        "前田家（おば）",
        "agency-matsumoto",
        "長野県塩尻市大門0-1-1",
        "0263-00-2012",
        (
            DemoPerson(
                "kin-maeda", "前田", "春香", "まえだ", "はるか", "", "090-0000-2012", "長野県塩尻市大門0-1-1"
            ),
        ),
        kinship=True,
    ),
]

# Birth parents with a demo sign-in.
BIRTH_PARENTS = [
    DemoPerson(
        "parent1",
        "山田",
        "真由美",
        "やまだ",
        "まゆみ",
        "parent1@example.jp",
        "090-0000-3001",
        "長野県長野市吉田0-2-2",
        sign_in="parent1",
    ),
    DemoPerson(
        "parent2",
        "木村",
        "健太",
        "きむら",
        "けんた",
        "parent2@example.jp",
        "090-0000-3002",
        "長野県松本市里山辺0-3-3",
        sign_in="parent2",
    ),
]

# Supporters and family around the featured children (no sign-in).
OTHERS = [
    DemoPerson(
        "grandmother-yamada", "山田", "和子", "やまだ", "かずこ", "", "090-0000-3003", "長野県長野市吉田0-2-5"
    ),
    DemoPerson("supporter-peer", "太田", "光", "おおた", "ひかる", "ota.hikaru@example.jp", "090-0000-3004"),
]


@dataclass
class FeaturedChild:
    """A child whose team holds the demo sign-ins, with a story that exercises the policy."""

    key: str
    family_name: str
    given_name: str
    family_kana: str
    given_kana: str
    age_years: int
    age_days: int
    sex: str
    centre: str
    lead: str
    school: str
    # (kind, days ago it started, days ago it ended or None, place key or None, end reason)
    placements: list[tuple[str, int, int | None, str | None, str | None]]
    # (person key, role, days ago joined, days ago left or None)
    team: list[tuple[str, str, int, int | None]]
    # (category, title, body, audience)
    items: list[tuple[str, str, str, str]] = field(default_factory=list)
    protection_order_for: str | None = None


FEATURED = [
    FeaturedChild(
        "child-sakura",
        "山田",
        "さくら",
        "やまだ",
        "さくら",
        5,
        40,
        "female",
        "centre-chuo",
        "caseworker1",
        "ながの若里保育園",
        placements=[
            ("temporary_protection", 260, 240, None, "transfer"),
            ("foster_family", 240, None, "hh-tanaka", None),
        ],
        team=[
            ("caseworker1", "caseworker", 260, None),
            ("caseworker-chuo-former", "caseworker", 400, 90),
            ("psychologist-chuo", "psychologist", 255, None),
            ("permanency-chuo", "permanency_officer", 200, None),
            ("qpi-chuo", "qpi_officer", 200, None),
            ("coordinator", "agency_coordinator", 240, None),
            ("foster1", "foster_parent", 240, None),
            ("foster1-spouse", "foster_parent", 240, None),
            ("parent1", "birth_parent", 260, None),
            ("grandmother-yamada", "family_member", 250, None),
            ("supporter-peer", "supporter", 120, None),
            ("municipal-nagano", "municipal_worker", 260, None),
        ],
        items=[
            (
                "care_info",
                "卵アレルギー",
                "卵を含む食品で発疹が出る。エピペンは不要。保育園にも伝達済み。",
                "team",
            ),
            ("care_info", "寝るとき", "うさぎのぬいぐるみ「みみ」と一緒に寝る。21時ごろ就寝。", "team"),
            (
                "birth_family_background",
                "家族の状況",
                "母は就労支援を受けながら生活の立て直しを進めている。",
                "team",
            ),
            (
                "assessments",
                "一時保護時の心理診断",
                "分離不安が強い。安心できる大人との一対一の関係が有効。",
                "team",
            ),
            ("legal", "親権と同意", "母の同意による措置（27条1項3号）。家庭裁判所の手続きはない。", "team"),
            (
                "assessments",
                "リスク評価（専門職のみ）",
                "家庭復帰に向けたリスク評価の詳細。",
                "professionals",
            ),
        ],
    ),
    FeaturedChild(
        "child-haruto",
        "山田",
        "陽翔",
        "やまだ",
        "はると",
        1,
        100,
        "male",
        "centre-chuo",
        "caseworker1",
        "",
        placements=[("infant_home", 150, None, "infant-aozora", None)],
        team=[
            ("caseworker1", "caseworker", 150, None),
            ("keyworker-aozora", "key_worker", 150, None),
            ("parent1", "birth_parent", 150, None),
        ],
        items=[("care_info", "ミルクと睡眠", "ミルクは1日5回。午後に2時間の昼寝。", "team")],
    ),
    FeaturedChild(
        "child-yui",
        "木村",
        "結衣",
        "きむら",
        "ゆい",
        9,
        10,
        "female",
        "centre-matsumoto",
        "caseworker2",
        "松本市立県ヶ丘小学校",
        placements=[
            ("temporary_protection", 420, 380, None, "transfer"),
            ("foster_family", 380, None, "hh-suzuki", None),
        ],
        team=[
            ("caseworker2", "caseworker", 420, None),
            ("psychologist-matsumoto", "psychologist", 400, None),
            ("coordinator-matsumoto", "agency_coordinator", 380, None),
            ("foster2", "foster_parent", 380, None),
            ("foster2-spouse", "foster_parent", 380, None),
            ("parent2", "birth_parent", 420, None),
        ],
        items=[
            ("legal", "保護命令", "父に対する接近禁止命令（令和8年）。所在・学校は父に知らせない。", "team"),
            ("assessments", "心理面接の記録", "父との面会は本人の意向を確認しながら検討する。", "team"),
            ("care_info", "学校生活", "算数が好き。放課後は学童保育。", "team"),
        ],
        protection_order_for="parent2",
    ),
    FeaturedChild(
        "child-sota",
        "木村",
        "蒼太",
        "きむら",
        "そうた",
        14,
        200,
        "male",
        "centre-chuo",
        "caseworker1",
        "上田市立第一中学校",
        placements=[("childrens_home", 900, None, "home-ueda", None)],
        team=[
            ("caseworker1", "caseworker", 900, None),
            ("keyworker", "key_worker", 900, None),
            ("parent2", "birth_parent", 900, None),
            ("municipal-saku", "municipal_worker", 300, None),
        ],
        items=[("care_info", "部活動", "バスケットボール部。土曜は練習。", "team")],
    ),
    FeaturedChild(
        "child-hinata",
        "木村",
        "陽葵",
        "きむら",
        "ひなた",
        3,
        5,
        "female",
        "centre-chuo",
        "caseworker1",
        "",
        placements=[("foster_family", 1, None, "hh-tanaka", None)],
        team=[
            ("caseworker1", "caseworker", 1, None),
            ("coordinator", "agency_coordinator", 1, None),
            ("foster1", "foster_parent", 1, None),
            ("foster1-spouse", "foster_parent", 1, None),
            ("parent2", "birth_parent", 1, None),
        ],
        items=[("care_info", "好きなもの", "（措置したばかり：安心コールで聞き取る）", "team")],
    ),
]

FAMILY_NAMES = [
    ("佐藤", "さとう"),
    ("鈴木", "すずき"),
    ("高橋", "たかはし"),
    ("伊藤", "いとう"),
    ("渡辺", "わたなべ"),
    ("中村", "なかむら"),
    ("小林", "こばやし"),
    ("加藤", "かとう"),
    ("吉田", "よしだ"),
    ("山口", "やまぐち"),
    ("松本", "まつもと"),
    ("井上", "いのうえ"),
    ("林", "はやし"),
    ("清水", "しみず"),
    ("山崎", "やまざき"),
    ("森", "もり"),
    ("池田", "いけだ"),
    ("橋本", "はしもと"),
    ("阿部", "あべ"),
    ("石川", "いしかわ"),
    ("小川", "おがわ"),
    ("中島", "なかじま"),
    ("前田", "まえだ"),
    ("藤田", "ふじた"),
    ("岡田", "おかだ"),
    ("後藤", "ごとう"),
    ("長谷川", "はせがわ"),
    ("村上", "むらかみ"),
    ("近藤", "こんどう"),
    ("坂本", "さかもと"),
    ("遠藤", "えんどう"),
    ("青木", "あおき"),
    ("西村", "にしむら"),
    ("福田", "ふくだ"),
    ("太田", "おおた"),
    ("三浦", "みうら"),
    ("藤井", "ふじい"),
    ("岡本", "おかもと"),
    ("松田", "まつだ"),
    ("中川", "なかがわ"),
]
GIVEN_FEMALE = [
    ("結衣", "ゆい"),
    ("陽葵", "ひなた"),
    ("葵", "あおい"),
    ("芽依", "めい"),
    ("凛", "りん"),
    ("心春", "こはる"),
    ("結菜", "ゆな"),
    ("穂乃果", "ほのか"),
    ("澪", "みお"),
    ("紬", "つむぎ"),
    ("咲良", "さくら"),
    ("杏", "あん"),
]
GIVEN_MALE = [
    ("陽翔", "はると"),
    ("蒼太", "そうた"),
    ("陸", "りく"),
    ("悠斗", "ゆうと"),
    ("湊", "みなと"),
    ("蓮", "れん"),
    ("颯", "はやて"),
    ("樹", "いつき"),
    ("大和", "やまと"),
    ("朝陽", "あさひ"),
    ("律", "りつ"),
    ("健", "けん"),
]
GIVEN_ADULT = [
    ("直美", "なおみ"),
    ("浩", "ひろし"),
    ("恵子", "けいこ"),
    ("隆", "たかし"),
    ("明美", "あけみ"),
    ("和也", "かずや"),
    ("智子", "ともこ"),
    ("修", "おさむ"),
    ("久美子", "くみこ"),
    ("学", "まなぶ"),
]

# Neutral places each centre uses for contacts: (key, centre, name, address)
PLACES = [
    ("place-chuo-room", "centre-chuo", "中央児童相談所 面接室", "長野県長野市大字南長池000-1"),
    ("place-chuo-hall", "centre-chuo", "長野市ふれあい交流センター 和室", "長野県長野市鶴賀000-40"),
    ("place-matsumoto-room", "centre-matsumoto", "松本児童相談所 プレイルーム", "長野県松本市大字島立000-2"),
    ("place-matsumoto-hall", "centre-matsumoto", "あがたの森 交流室", "長野県松本市県000-41"),
    ("place-iida-room", "centre-iida", "飯田児童相談所 面接室", "長野県飯田市追手町000-3"),
    ("place-suwa-room", "centre-suwa", "諏訪児童相談所 面接室", "長野県諏訪市上川000-4"),
    ("place-saku-room", "centre-saku", "佐久児童相談所 面接室", "長野県佐久市大字跡部000-5"),
]


@dataclass(frozen=True)
class DemoContact:
    """(days from today, hour) in Japan time; negative days are in the past."""

    key: str
    child: str
    kind: str
    days: int
    hour: int
    minutes: int
    mode: str
    place_kind: str
    place: str | None
    participants: tuple[str, ...]
    facilitator: str | None
    status: str
    call_arrangement: str | None = None
    carer_present: bool | None = None
    series: str | None = None
    outcome: tuple[str, str, str, str, str, str, str] | None = (
        None  # how, reaction, routines, food, sleep, comfort, next
    )


CONTACTS = [
    DemoContact(
        "sakura-comfort",
        "child-sakura",
        "comfort_call",
        -239,
        19,
        20,
        "phone",
        "remote",
        None,
        ("foster1", "parent1", "caseworker1"),
        "caseworker1",
        "done",
        call_arrangement="caseworker_connects",
        outcome=(
            "落ち着いて話せた",
            "声を聞いて安心した様子",
            "7時起床、21時就寝",
            "卵は食べられない",
            "うさぎのぬいぐるみと寝る",
            "ぬいぐるみ「みみ」",
            "1週間以内にアイスブレーカー",
        ),
    ),
    DemoContact(
        "sakura-icebreaker",
        "child-sakura",
        "icebreaker",
        -234,
        10,
        45,
        "in_person",
        "neutral",
        "place-chuo-room",
        ("foster1", "foster1-spouse", "parent1", "caseworker1", "coordinator"),
        "coordinator",
        "done",
    ),
    *[
        DemoContact(
            f"sakura-family-time-{week}",
            "child-sakura",
            "family_time",
            3 + 7 * week,
            14,
            90,
            "in_person",
            "neutral",
            "place-chuo-hall",
            ("parent1", "foster1", "caseworker1"),
            "caseworker1",
            "confirmed" if week == 0 else "proposed",
            carer_present=True,
            series="sakura-family-time",
        )
        for week in range(4)
    ],
    DemoContact(
        "yui-interview",
        "child-yui",
        "interview_child",
        5,
        16,
        45,
        "in_person",
        "foster_home",
        None,
        ("foster2", "caseworker2"),
        "caseworker2",
        "confirmed",
    ),
    DemoContact(
        "sota-family-time",
        "child-sota",
        "family_time",
        -20,
        13,
        60,
        "in_person",
        "facility",
        None,
        ("parent2", "keyworker", "caseworker1"),
        "caseworker1",
        "done",
        carer_present=True,
    ),
    DemoContact(
        "sota-family-time-next",
        "child-sota",
        "family_time",
        10,
        13,
        60,
        "in_person",
        "facility",
        None,
        ("parent2", "keyworker", "caseworker1"),
        "caseworker1",
        "proposed",
        carer_present=True,
    ),
]
