# ruff: noqa: E501
# Each pattern is a list of alternatives in two languages; kept one alternative group per line, unwrapped.
"""The form of a message, sentence by sentence: what is asked, what is told, what is asked for.

What a message *is* (a claim, a request for leave, a policy question, a question about the sender's
own data) shows in its grammar more surely than in its nouns: 「3万円の接待って事前申請いる?」 names an
amount and a cost, but it asks about a rule; 「Paid ¥18,600 on Oct 14 for the hotel. Can I submit that
here?」 asks something too, but it first tells of money spent. So the message is cut into sentences and
each is read for its form: interrogative or not, whether it asks the bot to do something (お願いします,
"can you review"), whether it tells of money spent (払いました, "paid"), whether it is about the sender's
own records (私の, あと何日, #12). The offline engine decides the intent from these, in one place.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# A sentence ends at a full stop, a question or exclamation mark, or a line break. Bounded lookbehind-free
# splitting: a 5,000-character line is one pass.
_SPLIT = re.compile(r"(?<=[。！？!?\n])|(?<=\.)\s+")

# Interrogative forms, Japanese and English. Sentence-final particles and question words both count:
# 「領収書いる?」「何日前までに申請すればいい」「いくらまで」 "how many days…", "do I need…".
_ASK_END = re.compile(
    r"(?:[?？]|(?:です|ます|でしょう|ません|でした|ました|の|ん|だ|る|い|た|な)か(?:ね|な)?|かな|かね|っけ|のかしら"
    r"|(?:ですか|ますか)ね|教えて(?:ください|下さい|ほしい|欲しい|もらえ\w{0,6})?|知りたい(?:です)?)"
    r"[\s。.!！wｗ笑🙏🙇]*$"
)
_ASK_WORD_JA = re.compile(
    r"いくら|何日|何時間|何円|何回|何割|何名|何人|何か月|何ヶ月|何ヵ月|何年|何%|どのくらい|どれくらい|どれぐらい|どのぐらい"
    r"|いつまで|いつから|いつ(?:まで|から|に|の)|誰が|誰に|誰の|どなた|どこ(?:に|で|へ|から|まで)|どう(?:すれば|したら|やって|なる|なります)"
    r"|どうやって|どの(?:よう|様)|どっち|どちら|べき|ですかね|んでしたっけ|要りますか|いりますか|必要ですか|可能ですか"
)
_ASK_EN = re.compile(
    r"^\W*(?:how|what|what's|whats|when|where|which|who|whom|why|is|are|am|was|were|can|could|do|does|did|should"
    r"|shall|may|might|will|would|have|has|must|any)\b|\?\s*\W*$|\b(?:wondering|not sure) (?:if|whether|how|what)\b",
    re.IGNORECASE,
)

# Asking the bot (or a person) to do something: a request, however politely it ends in a question mark.
_REQUEST_FORM = re.compile(
    r"お願い(?!した|して(?:いた|た|る))(?:します|いたします|致します|できますか|できませんか|したい|申し上げ)?|お願いでき|頼みます|ください|下さい|くださ"
    r"|(?:て|(?<!くらい)(?<!ぐらい)(?<!まで)(?<!日)(?<!月)(?<!年)で)(?:もらえ|いただけ|頂け|くれ)(?:ます|ません|る|ない)?(?:でしょう)?か|いただきたい|頂きたい|ほしいです|欲しいです"
    r"|(?:精算|申請|請求)(?:します|したい|させて|いたします|致します|させてください|でお願い)"
    r"|させて(?:ください|いただ|頂)|(?:チェック|確認|レビュー|審査)(?:して|を)?(?:ほしい|欲しい|お願い)"
    r"|\bplease\b|\b(?:can|could|would|will) (?:you|someone|somebody|anyone|legal|finance|hr|the legal team|\w+ from legal)\b|\bi(?:'d| would) like to\b|\bi want to (?:claim|expense|take|book|submit)\b"
    r"|\bi(?:'m| am) (?:claiming|expensing|submitting|taking|requesting)\b|\bkindly\b|\blet me\b|\bneed to (?:claim|expense|take)\b",
    re.IGNORECASE,
)
# Asking leave for oneself in a question's form: 「金曜に有給取ってもいいですか」「来週休めますか」 "can I take Friday off?".
_PERMISSION = re.compile(
    r"(?:て|で)も(?:いい|良い|よい|よろしい|大丈夫|構いません|かまいません)|させて(?:もらえ|いただけ|頂け)"
    r"|(?:取れ|休め|取得でき)(?:ます|ません)?(?:でしょう)?か|(?:休|休み|休暇|有給)を?(?:いただけ|頂け|もらえ)|\b(?:can|could|may) i (?:take|have|get|book|use)\b"
    r"|\bis it ok(?:ay)? (?:if i|to)\b|\bwould it be (?:ok|okay|possible) (?:if i|to)\b",
    re.IGNORECASE,
)
# Telling of money already spent: the claim is in a sentence that says it happened.
_SPENT = re.compile(
    r"払(?:った|いました|ってきた|っておいた|いまして)|支払(?:った|いました|いしました|済)|買(?:った|いました|ってきた|いまして)"
    r"|購入(?:した|しました|済)|乗(?:った|りました)|使(?:った|いました)|かか(?:った|りました)|立て?替え?(?:た|ました|ています|てます)"
    r"|負担(?:した|しました)|決済(?:した|しました)|注文(?:した|しました)|発送(?:した|しました)|送(?:った|りました)|泊(?:まった|まりました)"
    r"|\b(?:paid|bought|spent|purchased|ordered|charged|covered|took an?|rode|booked|shipped|mailed|renewed|topped up)\b",
    re.IGNORECASE,
)
# The sender's own records: their balance, their requests. 「私の有給」「あと何日」「#12 の申請」 "my balance".
_OWN_DATA = re.compile(
    r"私の|わたしの|自分の|僕の|ぼくの|俺の|あと何|残り|残って|残日数|残数|今年(?:は)?.{0,8}(?:使った|取った|取得した)"
    r"|(?:申請|提出|依頼|お願い|精算|取得|使用|消化)し(?:た(?!い)|まし)|出した|送った|(?<![\w#])#\s?\d{1,6}(?!\d)|\d{1,6}番の(?:申請|経費|精算)"
    r"|承認され(?:た|まし|て)|振り込まれ|入金され|支払われ|差し?戻され|どうなって|どうなりました|進捗|ステータス|まだ(?:です|承認|ですか)"
    r"|\bmy (?:own |\w+ ){0,3}(?:balance|leave|pto|request|requests|claim|claims|expense|expenses|submission|submissions|days|vacation|remaining|reimbursement)"
    r"|\b(?:do|did) i have left\b|\bi have left\b|\bhave i (?:used|taken)\b|\bi(?:'ve| have) (?:used|taken)\b|\bleft this year\b"
    r"|\b(?:i|we) (?:submitted|sent|filed)\b|\bstatus of\b|\bbeen (?:approved|paid|rejected)\b|\bapproved yet\b",
    re.IGNORECASE,
)
# Asking what a rule is or would do (not the state of one's own records): 「どうなる?」「自動承認される?」「領収書いる?」
# "is that allowed?", "do I have to…", "what happens if…". Such a question is about policy even when it tells of the
# sender's own case first (「残りの有給1日しかないけど3日休みたい。どうなる?」).
_RULE_ASK = re.compile(
    r"どうな(?:る|ります|っちゃう)|どうすれば|どうしたら|される[?？]|されますか|されるの|通る[?？]|通りますか|止まっ|必要(?:です)?か|必要[?？]"
    r"|要る[?？]|いる[?？]|要りますか|いりますか|不要|大丈夫|(?:いい|良い|よい)(?:です|でしょう)?か|OK(?:です)?か|OK[?？]|ダメ|だめ"
    r"|誰が|誰の|どなた|いつまで|何日前|何日以内|いくらまで|上限|限度|以内|認められ|落とせ|扱い|ルール|規程|決まり|って(?:何|いくら|どう)"
    r"|\bwhat happens\b|\bwhat now\b|\bwhat do i (?:need|do)\b|\ballowed\b|\bpermitted\b|\bok to\b|\bokay to\b|\bdo i (?:have|need) to\b"
    r"|\bdoes (?:that|it|this) (?:count|use|mean|need|require|go)\b|\bneed to\b|\bhave to\b|\brequired\b|\bauto-?approved\b|\bwho (?:approves|signs)\b"
    r"|\bhow (?:far|long|many|much|soon|early|late)\b|\bcan i (?:still|approve|use|expense|claim|book|fly|count)\b|\bis there a\b|\bin exchange\b"
    r"|\bwhat(?:'s| is) the (?:rule|limit|policy|deadline|cap|process)\b",
    re.IGNORECASE,
)
# The state of one's own records asked outright: how many days are left, where a submitted claim stands.
_OWN_STATE = re.compile(
    r"あと何|残り(?:は|何|、)|残って|残日数|残数|(?:申請|提出|精算)し(?:た|てる|ている).{0,30}(?:承認|止ま|どうなって|進捗|まだ|差し?戻)"
    r"|(?:出した|送った).{0,30}(?:承認|止ま|どうなって|進捗|まだ|差し?戻)|(?<![\w#])#\s?\d{1,6}(?!\d)"
    r"|\b(?:do|did) i have left\b|\bi have left\b|\bhave i (?:used|taken)\b|\bi(?:'ve| have) (?:used|taken)\b|\bstatus of\b"
    r"|\bapproved yet\b|\bbeen (?:approved|paid|rejected)\b|\bmy (?:balance|remaining)\b",
    re.IGNORECASE,
)
# A contract pasted whole: several article headings in a long text.
_ARTICLE = re.compile(
    r"第\s*[0-9一二三四五六七八九十百]+\s*条|\bArticle\s+\d+|^\s*\d{1,2}\.\s+[A-Z][a-z]+", re.IGNORECASE | re.M
)
PASTED_MIN_CHARS = 300


# Asking to be told something (教えて, 確認して, "let me know"): a question in a request's clothes.
_INFO_REQUEST = re.compile(
    r"教えて|確認して|調べて|知りたい|分かりますか|わかりますか|見せて|一覧|\blet me know\b|\btell me\b|\bshow me\b|\blist\b"
    r"|\bcheck\b",
    re.IGNORECASE,
)


# A wish ("I want to take Wed–Fri off", 休みたい) asks nothing of the bot by itself: beside a question about a rule
# ("how far in advance…?") it is the background of the question.
_DESIRE = re.compile(
    r"\bi(?:'d| would)? (?:like|want) to\b|\bi'm planning\b|たい(?:です|んです|のですが|けど|と思)", re.I
)
_ASKS_BOT = re.compile(
    r"お願い|ください|下さい|\bplease\b|\b(?:can|could|would|will) you\b|させて|いただけ|もらえ", re.I
)


@dataclass(frozen=True)
class Sentence:
    text: str
    asks: bool  # interrogative in form
    requests: bool  # asks for something to be done
    permission: bool  # asks leave to do something oneself
    spent: bool  # tells of money spent
    own: bool  # about the sender's own records
    informs: bool = False  # the request is to be told something (教えて), not to have something done
    desire: bool = False  # a wish of the sender's, not asked of the bot
    rule: bool = False  # asks what a rule is or would do
    own_state: bool = False  # asks the state of the sender's own records outright


@dataclass(frozen=True)
class Shape:
    sentences: tuple[Sentence, ...]

    @property
    def asks(self) -> bool:
        return any(s.asks for s in self.sentences)

    @property
    def only_asks(self) -> bool:
        """Every sentence that carries content is a question, none a request: a question, whatever it names."""
        told = [s for s in self.sentences if not s.asks and not _filler(s.text)]
        asked = [s for s in self.sentences if s.asks]
        return (
            bool(asked)
            and not any(s.requests for s in self.sentences)
            and not any(s.spent for s in told)
            and not any(_tells_request(s.text) for s in told)
        )

    @property
    def requests(self) -> bool:
        return any(s.requests for s in self.sentences)

    @property
    def requests_work(self) -> bool:
        """Asks for something to be done, not only to be told something."""
        return any(s.requests and not s.informs for s in self.sentences)

    @property
    def own_state(self) -> bool:
        return any(s.own_state for s in self.sentences)

    @property
    def asks_bot_work(self) -> bool:
        """Asks the bot to do something, a wish of one's own not counted."""
        return any(s.requests and not s.informs and not s.desire for s in self.sentences)

    @property
    def rule_ask(self) -> bool:
        return any(s.rule for s in self.sentences)

    def permission_sentences(self) -> list[str]:
        return [s.text for s in self.sentences if s.permission]

    @property
    def informs(self) -> bool:
        return any(s.informs for s in self.sentences)

    @property
    def permission(self) -> bool:
        return any(s.permission for s in self.sentences)

    @property
    def spent(self) -> bool:
        return any(s.spent for s in self.sentences)

    @property
    def own(self) -> bool:
        return any(s.own for s in self.sentences if s.asks) or any(s.own for s in self.sentences)

    def told(self) -> str:
        """The sentences that are not questions, joined: where a claim's facts are stated."""
        return " ".join(s.text for s in self.sentences if not s.asks or s.spent or s.requests)


# Greetings and sign-offs carry nothing: 「お疲れ様です」「よろしくお願いします」 around a question.
_FILLER = re.compile(
    r"^\W*(?:お疲れ(?:様|さま)(?:です)?|おつかれ(?:さま)?(?:です)?|お世話になって(?:おります|います)|こんにちは|おはようございます"
    r"|すみません|すいません|失礼します|質問です|質問があります|ちょっと(?:質問|聞きたい)\w{0,8}|hi|hello|hey|morning|thanks|thank you"
    r"|quick question|question)\W*$",
    re.IGNORECASE,
)
_TELLS_REQUEST = re.compile(
    r"(?:休み|休暇|有給|有休|半休|休)(?:ます|たい|を取ります|をください|を取りたい)|\b(?:i'll|i will) (?:take|be off)\b",
    re.I,
)
# 「…休みたいんですが」「…行くんだけど」: background to a question, not a request of its own.
_BACKGROUND = re.compile(r"(?:んです|のです|んだ|のだ)?(?:が|けど|けれど|けれども)[\s、,。…]*$|\b(?:but|so)\s*$", re.I)


def _filler(text: str) -> bool:
    return bool(_FILLER.match(text)) or len(re.sub(r"\W", "", text)) == 0


def _tells_request(text: str) -> bool:
    return bool(_TELLS_REQUEST.search(text)) and not _BACKGROUND.search(text)


def sentences(text: str) -> list[str]:
    parts = [p.strip() for p in _SPLIT.split(text)]
    return [p for p in parts if p]


def read_shape(text: str) -> Shape:
    out = []
    for part in sentences(text):
        # 「よろしくお願いします」 at the end of a question is politeness, not a request.
        polite_close = bool(re.fullmatch(r"\W*(?:よろしく|宜しく)?(?:お願い(?:します|いたします|致します)?)\W*", part))
        requests = bool(_REQUEST_FORM.search(part)) and not polite_close
        asks = bool(_ASK_END.search(part) or _ASK_WORD_JA.search(part) or _ASK_EN.search(part))
        out.append(
            Sentence(
                part,
                asks=asks and not polite_close,
                requests=requests,
                permission=bool(_PERMISSION.search(part)),
                spent=bool(_SPENT.search(part)),
                own=bool(_OWN_DATA.search(part)),
                informs=bool(_INFO_REQUEST.search(part)),
                desire=bool(_DESIRE.search(part)) and not _ASKS_BOT.search(part),
                rule=asks and bool(_RULE_ASK.search(part)) and not _OWN_STATE.search(part),
                own_state=asks and bool(_OWN_STATE.search(part)),
            )
        )
    return Shape(tuple(out))


def is_pasted_contract(text: str) -> bool:
    """A contract pasted as the message: several article headings in a long text."""
    return len(text) >= PASTED_MIN_CHARS and len(_ARTICLE.findall(text)) >= 3
