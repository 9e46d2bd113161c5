# ruff: noqa: E501
# A contract's paragraph is one line here, as in a Word file: wrapping it would change the test data.
"""Contracts written for the suite, each with what a legal-ops reader expects the check to say.

Hikari Works株式会社 (us) appears on either side: as 甲 commissioning work, as 乙 doing it, and
in English as "Hikari" or "Client". The wording follows common Japanese forms (経産省・弁護士会
の雛形に見られる言い回し) so the checks meet the phrasing they will meet in practice.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Sample:
    name: str
    text: str
    expected: dict[str, str]  # checklist key → status
    type_key: str | None
    has_red_flag: bool
    standard_nda: bool
    needs_ceo: bool = False
    denied: bool = False
    amount_yen: int | None = None
    stamp_status: str = ""
    stamp_yen: int | None = None
    quotes: dict[str, str] = field(default_factory=dict)  # key → words the cited clause must show
    clause_heads: dict[str, str] = field(default_factory=dict)  # key → start of the cited clause name (ja)


JA_MUTUAL_NDA = """秘密保持契約書

Hikari Works株式会社（以下「甲」という。）と株式会社サクラテック（以下「乙」という。）は、相互に開示する秘密情報の取扱いについて、次のとおり秘密保持契約（以下「本契約」という。）を締結する。

第１条（目的）
本契約は、甲及び乙が業務提携の可能性を検討する目的（以下「本目的」という。）のために相互に開示する秘密情報の取扱いについて定める。

第２条（秘密情報）
本契約において「秘密情報」とは、甲又は乙が相手方に対し、書面、口頭、電磁的記録その他の方法により開示した技術上又は営業上の一切の情報であって、開示の際に秘密である旨が明示されたものをいう。ただし、次の各号のいずれかに該当する情報を除く。
(1) 開示を受けた時点で既に公知であった情報
(2) 開示を受けた後、自己の責めによらずに公知となった情報
(3) 正当な権限を有する第三者から秘密保持義務を負うことなく適法に取得した情報
(4) 開示を受けた時点で既に自ら保有していた情報

第３条（秘密保持義務）
甲及び乙は、相手方から開示を受けた秘密情報を厳に秘密として保持し、相手方の事前の書面による承諾なく、第三者に開示又は漏洩してはならない。
２　甲及び乙は、秘密情報を本目的以外に使用してはならない。

第４条（返還・廃棄）
甲及び乙は、本契約が終了したとき又は相手方から求められたときは、相手方の指示に従い、秘密情報を速やかに返還又は廃棄する。

第５条（損害賠償）
甲及び乙は、本契約に違反して相手方に損害を与えたときは、直接かつ現実に生じた通常の損害に限り、金100万円を上限として賠償する責任を負う。ただし、故意又は重大な過失による場合はこの限りでない。

第６条（反社会的勢力の排除）
甲及び乙は、自己又は自己の役員が、暴力団、暴力団員、暴力団関係企業その他の反社会的勢力に該当しないことを表明し、保証する。
２　甲又は乙は、相手方が前項に違反したときは、何らの催告を要せず、直ちに本契約を解除することができる。

第７条（解除）
甲又は乙は、相手方が本契約に違反し、相当の期間を定めて催告したにもかかわらず是正されないときは、本契約を解除することができる。

第８条（有効期間）
本契約の有効期間は、本契約締結日から１年間とする。ただし、期間満了の１か月前までにいずれの当事者からも書面による更新しない旨の申出がないときは、本契約は同一条件でさらに１年間更新されるものとし、以後も同様とする。

第９条（準拠法及び管轄）
本契約は日本法に準拠し、日本法に従って解釈される。
２　本契約に関する一切の紛争については、東京地方裁判所を第一審の専属的合意管轄裁判所とする。

本契約締結の証として、本書２通を作成し、甲乙記名押印の上、各１通を保有する。

２０２６年１２月１日

甲　東京都千代田区丸の内一丁目１番１号
　　Hikari Works株式会社　代表取締役　山田 光

乙　東京都港区芝浦三丁目２番５号
　　株式会社サクラテック　代表取締役　佐々木 桜
"""

EN_NDA = """MUTUAL NON-DISCLOSURE AGREEMENT

This Mutual Non-Disclosure Agreement (the "Agreement") is entered into as of December 1, 2026 by and between Hikari Works Co., Ltd., a Japanese corporation having its principal office at 1-1-1 Marunouchi, Chiyoda-ku, Tokyo ("Hikari"), and Northwind Analytics Inc., a Delaware corporation ("Northwind").

1. Purpose
The parties wish to exchange certain information to evaluate a possible data analytics partnership (the "Purpose"). Each party may disclose Confidential Information to the other party; a party disclosing information is the "Disclosing Party" and a party receiving it is the "Receiving Party".

2. Confidential Information
"Confidential Information" means any non-public business or technical information disclosed by either party, in any form, that is marked or identified as confidential at the time of disclosure, excluding information that is or becomes public through no fault of the Receiving Party.

3. Obligations
The Receiving Party shall hold the Disclosing Party's Confidential Information in confidence, shall not disclose it to any third party without the prior written consent of the Disclosing Party, and shall not use it for any purpose other than the Purpose.

4. Return of Information
Upon the written request of the Disclosing Party, the Receiving Party shall promptly return or destroy all Confidential Information.

5. Limitation of Liability
In no event shall either party be liable for any indirect, incidental or consequential damages. Each party's aggregate liability arising out of this Agreement shall not exceed JPY 5,000,000.

6. Anti-Social Forces
Each party represents that neither it nor any of its officers is a member of an organized crime group or any other anti-social forces. Either party may terminate this Agreement immediately if the other party breaches this representation.

7. Term and Termination
This Agreement shall remain in force for a period of two (2) years from the date first written above. Either party may terminate this Agreement at any time upon thirty (30) days' prior written notice to the other party.

8. Governing Law
This Agreement shall be governed by and construed in accordance with the laws of Japan.

9. Jurisdiction
The parties submit to the jurisdiction of the Tokyo District Court for any dispute arising out of this Agreement.

IN WITNESS WHEREOF, the parties have executed this Agreement as of the date first written above.

Hikari Works Co., Ltd.    Northwind Analytics Inc.
"""

JA_OUTSOURCING_90 = """業務委託契約書

Hikari Works株式会社（以下「甲」という。）と山田デザイン事務所こと山田太郎（以下「乙」という。）は、甲が乙に委託するウェブデザイン制作業務について、次のとおり契約を締結する。

第1条（委託業務）
甲は、乙に対し、甲の指定するウェブサイトのデザイン制作業務（以下「本業務」という。）を委託し、乙はこれを受託する。乙は、甲の仕様書に従い成果物を完成させる義務を負う。

第2条（納品及び検収）
乙は、甲が定める納期までに成果物を甲に納品する。甲は、納品を受けた日から10日以内に検査を行い、合格したときは検収する。

第3条（委託料）
甲は、本業務の委託料として、月額40万円（消費税別）を乙に支払う。

第4条（支払条件）
委託料は、毎月末日締め翌々月末日払いとし、甲は乙の指定する銀行口座に振り込む方法により支払う。振込手数料は甲の負担とする。

第5条（知的財産権）
成果物に関する著作権（著作権法第27条及び第28条に定める権利を含む。）その他一切の知的財産権は、納品時に乙から甲に移転する。乙は、甲に対し著作者人格権を行使しない。

第6条（秘密保持）
甲及び乙は、本契約に関して知り得た相手方の秘密情報を第三者に開示してはならず、本契約の目的以外に使用してはならない。

第7条（損害賠償）
乙は、本契約に違反して甲に損害を与えたときは、その損害を賠償する。
2 甲が乙に対して負う損害賠償責任は、甲が本契約に基づき乙に支払った委託料の総額を上限とする。

第8条（競業避止）
乙は、本契約の有効期間中、甲の事前の承諾なく、甲と競合する事業者から同種の業務を受託してはならない。

第9条（反社会的勢力の排除）
甲及び乙は、相手方が暴力団その他の反社会的勢力に該当すると判明したときは、何らの催告を要せず本契約を解除することができる。

第10条（解除）
甲又は乙は、相手方が本契約に違反したときは、書面により通知して本契約を解除することができる。

第11条（契約期間）
本契約の有効期間は、2026年4月1日から2027年3月31日までとする。期間満了の1か月前までに甲乙いずれからも書面による別段の申出がないときは、同一条件でさらに1年間延長されるものとし、以後も同様とする。

第12条（合意管轄）
本契約に関する紛争は、東京地方裁判所を第一審の専属的合意管轄裁判所とする。

以上を証するため、本書2通を作成し、甲乙記名押印の上、各1通を保有する。
"""

JA_UNLIMITED = """システム開発業務委託契約書

株式会社トウカイ物産（以下「甲」という。）とHikari Works株式会社（以下「乙」という。）は、甲の在庫管理システムの開発業務について、次のとおり契約を締結する。

第1条（目的）
甲は、在庫管理システムの開発業務（以下「本業務」という。）を乙に委託し、乙はこれを受託する。乙は本業務を完成させる義務を負う。

第2条（委託料）
甲は、乙に対し、本業務の委託料として金15,000,000円（消費税別）を支払う。

第3条（支払）
甲は、乙から請求書を受領した月の翌月末日までに、委託料を乙の指定する口座に振り込んで支払う。

第4条（知的財産権）
本業務により生じた成果物の著作権（著作権法第27条及び第28条の権利を含む。）は、委託料の支払完了時に乙から甲に移転する。

第5条（秘密保持）
甲及び乙は、相手方の秘密情報を相手方の承諾なく第三者に開示してはならない。

第6条（損害賠償）
乙は、本契約に関連して甲に生じた一切の損害（逸失利益及び弁護士費用を含む。）を、その金額の多寡にかかわらず上限なく賠償する。

第7条（競業避止）
乙は、本契約の終了後2年間、甲の事前の書面による承諾なく、甲と競合する事業を営む者のために同種のシステムを開発してはならない。

第8条（反社会的勢力の排除）
甲及び乙は、自らが反社会的勢力に該当しないことを相互に表明し、保証する。相手方がこれに違反したときは、催告なく本契約を解除することができる。

第9条（解除）
甲又は乙は、相手方が本契約の重大な条項に違反したときは、本契約を解除することができる。

第10条（準拠法）
本契約は日本法に準拠する。

第11条（管轄）
本契約に関する一切の紛争は、東京地方裁判所を第一審の専属的合意管轄裁判所とする。
"""

JA_RENEWAL_3M = """システム保守業務委託契約書

Hikari Works株式会社（以下「甲」という。）と株式会社ミドリシステムズ（以下「乙」という。）は、甲の社内システムの保守業務の委託について、次のとおり契約を締結する。

第1条（委託業務）
甲は、乙に対し、甲の社内システムの保守業務（以下「本業務」という。）を委託する。本契約は準委任契約とする。

第2条（保守料及び支払）
甲は、本業務の対価として、月額30万円（消費税別）を乙に支払う。
2 前項の保守料は、毎月末日締め翌月末日払いとし、甲は乙の指定する銀行口座に振り込む。

第3条（知的財産権）
本業務の遂行に伴い作成された成果物の著作権その他の知的財産権は、甲に帰属する。

第4条（秘密保持）
甲及び乙は、本業務に関して知り得た相手方の秘密情報を厳に秘密として保持し、第三者に開示してはならない。

第5条（損害賠償）
甲及び乙は、本契約に関して相手方に損害を与えたときは、直近12か月間に支払われた保守料の総額を上限として、その損害を賠償する。

第6条（反社会的勢力の排除）
甲又は乙は、相手方が反社会的勢力に該当し、又は反社会的勢力と関係を有することが判明したときは、催告なく本契約を解除することができる。

第7条（契約期間）
本契約の有効期間は、2026年12月1日から1年間とする。ただし、期間満了の3か月前までに甲乙いずれからも書面による別段の意思表示がないときは、本契約は同一条件でさらに1年間自動的に更新されるものとし、以後も同様とする。

第8条（解除）
甲又は乙は、相手方が本契約に違反し、相当期間を定めて催告しても是正されないときは、本契約を解除することができる。

第9条（準拠法）
本契約は、日本法に準拠する。

第10条（管轄裁判所）
本契約に関する紛争については、東京地方裁判所を第一審の合意管轄裁判所とする。
"""

JA_MASTER_NO_ANTISOCIAL = """取引基本契約書

株式会社アオバ部品（以下「甲」という。）とHikari Works株式会社（以下「乙」という。）は、甲乙間の継続的な取引に関する基本的事項について、次のとおり取引基本契約（以下「本契約」という。）を締結する。

第1条（目的）
本契約は、甲が乙から購入するソフトウェア製品及び関連サービスの継続的な取引（以下「個別取引」という。）に共通して適用される基本的事項を定める。

第2条（個別契約）
個別取引の内容は、甲が発行する注文書を乙が承諾することにより成立する個別契約において定める。

第3条（代金の支払）
甲は、個別契約に基づく代金を、毎月末日締め翌月末日払いにより、乙の指定する口座に振り込んで支払う。

第4条（秘密保持）
乙は、本契約に関して甲から開示された秘密情報を、甲の事前の承諾なく第三者に開示し、又は本契約の目的以外に使用してはならない。

第5条（損害賠償）
甲及び乙は、本契約又は個別契約に違反して相手方に損害を与えたときは、当該個別契約の代金額を上限として賠償する。

第6条（解除）
甲又は乙は、相手方が次の各号のいずれかに該当したときは、何らの催告を要せず、本契約及び個別契約の全部又は一部を解除することができる。
(1) 本契約又は個別契約に違反し、催告後14日以内に是正しないとき
(2) 支払停止、又は破産手続開始の申立てがあったとき

第7条（有効期間）
本契約の有効期間は、2026年12月1日から2027年11月30日までとする。期間満了の1か月前までに甲乙いずれからも書面による更新拒絶の申出がないときは、本契約は同一の条件で更に1年間継続するものとし、以後も同様とする。

第8条（協議）
本契約に定めのない事項は、甲乙誠実に協議して解決する。

第9条（管轄）
本契約に関する紛争は、東京地方裁判所を第一審の専属的合意管轄裁判所とする。
"""

EN_CONTRACTOR = """INDEPENDENT CONTRACTOR AGREEMENT

This Independent Contractor Agreement (the "Agreement") is made between Hikari Works Co., Ltd. ("Client") and Shadow Finance LLC, a New York limited liability company ("Contractor").

Article 1 (Services)
Contractor shall provide the financial modelling services described in Exhibit A (the "Services") and deliver the models to Client.

Article 2 (Fees and Payment)
Client shall pay Contractor a fee of JPY 2,400,000 for the Services. Client shall pay each invoice within ninety (90) days after receipt of the deliverables.

Article 3 (Intellectual Property)
Contractor retains all right, title and interest in and to the deliverables and grants Client a non-exclusive licence to use them internally.

Article 4 (Confidentiality)
Each party shall keep the other party's confidential information secret and shall not disclose it to any third party.

Article 5 (Liability)
Contractor's aggregate liability under this Agreement shall not exceed the fees paid. Client shall indemnify Contractor against any and all damages arising out of Client's use of the deliverables.

Article 6 (Non-Competition)
Client shall not compete with Contractor in the financial modelling business for a period of three (3) years after the termination of this Agreement.

Article 7 (Termination)
Contractor may terminate this Agreement at any time upon fifteen (15) days' written notice to Client.

Article 8 (Governing Law and Disputes)
This Agreement shall be governed by the laws of the State of New York. Any dispute shall be finally settled by arbitration in New York under the ICC Rules.
"""

SAMPLES: tuple[Sample, ...] = (
    Sample(
        "ja_mutual_nda",
        JA_MUTUAL_NDA,
        {
            "antisocial": "ok",
            "liability": "ok",
            "renewal": "ok",
            "termination": "ok",
            "governing_law": "ok",
            "jurisdiction": "ok",
            "payment": "ok",
            "ip": "ok",
            "confidentiality": "ok",
            "non_compete": "ok",
        },
        type_key="nda",
        has_red_flag=False,
        standard_nda=True,
        stamp_status="not_taxable",
        stamp_yen=0,
        quotes={"liability": "金100万円を上限", "jurisdiction": "専属的合意管轄", "renewal": "１か月前"},
        clause_heads={"liability": "第５条（損害賠償）", "antisocial": "第６条（反社会的勢力の排除）"},
    ),
    Sample(
        "en_nda",
        EN_NDA,
        {
            "antisocial": "ok",
            "liability": "ok",
            "renewal": "ok",
            "termination": "ok",
            "governing_law": "ok",
            "jurisdiction": "warning",  # Tokyo, but not stated to be exclusive
            "payment": "ok",
            "ip": "ok",
            "confidentiality": "ok",
            "non_compete": "ok",
        },
        type_key="nda",
        has_red_flag=False,
        standard_nda=True,
        stamp_status="not_taxable",
        stamp_yen=0,
        quotes={"liability": "shall not exceed JPY 5,000,000", "governing_law": "laws of Japan"},
        clause_heads={"jurisdiction": "9. Jurisdiction"},
    ),
    Sample(
        "ja_outsourcing_90_days",
        JA_OUTSOURCING_90,
        {
            "antisocial": "ok",
            "liability": "ok",
            "renewal": "ok",
            "termination": "ok",
            "governing_law": "missing",
            "jurisdiction": "ok",
            "payment": "red_flag",  # 月末締め翌々月末払い ≈ 90 days > 60
            "ip": "ok",
            "confidentiality": "ok",
            "non_compete": "ok",
        },
        type_key="outsourcing",
        has_red_flag=True,
        standard_nda=False,
        amount_yen=4_800_000,  # 月額40万円 × 12 months
        stamp_status="due",
        stamp_yen=2_000,  # Class 2, ≤ ¥5,000,000
        quotes={"payment": "毎月末日締め翌々月末日払い"},
        clause_heads={"payment": "第4条（支払条件）"},
    ),
    Sample(
        "ja_unlimited_liability",
        JA_UNLIMITED,
        {
            "antisocial": "ok",
            "liability": "red_flag",
            "renewal": "ok",
            "termination": "ok",
            "governing_law": "ok",
            "jurisdiction": "ok",
            "payment": "ok",  # we are paid: not applicable
            "ip": "ok",  # we deliver: not applicable
            "confidentiality": "ok",
            "non_compete": "red_flag",  # 2 years after the end, binding us
        },
        type_key="outsourcing",
        has_red_flag=True,
        standard_nda=False,
        needs_ceo=True,
        amount_yen=15_000_000,
        stamp_status="due",
        stamp_yen=20_000,  # Class 2, ≤ ¥50,000,000
        quotes={"liability": "上限なく賠償", "non_compete": "終了後2年間"},
        clause_heads={"liability": "第6条（損害賠償）"},
    ),
    Sample(
        "ja_renewal_3_months",
        JA_RENEWAL_3M,
        {
            "antisocial": "ok",
            "liability": "ok",
            "renewal": "red_flag",  # notice 3 months before the end > 1 month
            "termination": "ok",
            "governing_law": "ok",
            "jurisdiction": "warning",  # Tokyo, not exclusive
            "payment": "ok",  # 月末締め翌月末払い = 60 days
            "ip": "warning",  # copyright to us without 27条/28条
            "confidentiality": "ok",
            "non_compete": "ok",
        },
        type_key="outsourcing",
        has_red_flag=True,
        standard_nda=False,
        amount_yen=3_600_000,
        stamp_status="not_taxable",  # 準委任
        stamp_yen=0,
        quotes={"renewal": "3か月前"},
        clause_heads={"renewal": "第7条（契約期間）"},
    ),
    Sample(
        "ja_master_without_antisocial",
        JA_MASTER_NO_ANTISOCIAL,
        {
            "antisocial": "missing",
            "liability": "ok",
            "renewal": "ok",
            "termination": "ok",
            "governing_law": "missing",
            "jurisdiction": "ok",
            "payment": "ok",  # we are paid
            "ip": "ok",  # we deliver: not applicable
            "confidentiality": "red_flag",  # only we (乙) are bound
            "non_compete": "ok",
        },
        type_key="master",
        has_red_flag=True,
        standard_nda=False,
        stamp_status="due",
        stamp_yen=4_000,  # Class 7
        quotes={"confidentiality": "乙は、本契約に関して甲から開示された秘密情報"},
    ),
    Sample(
        "en_contractor_denied",
        EN_CONTRACTOR,
        {
            "antisocial": "missing",
            "liability": "red_flag",  # we indemnify "any and all damages"
            "renewal": "ok",
            "termination": "red_flag",  # only the contractor may terminate
            "governing_law": "red_flag",  # New York
            "jurisdiction": "red_flag",  # ICC arbitration in New York
            "payment": "red_flag",  # 90 days
            "ip": "red_flag",  # contractor retains
            "confidentiality": "ok",
            "non_compete": "red_flag",  # 3 years, on us
        },
        type_key="outsourcing",
        has_red_flag=True,
        standard_nda=False,
        denied=True,
        amount_yen=2_400_000,
        stamp_status="unknown",
        quotes={"payment": "ninety (90) days", "governing_law": "State of New York"},
        clause_heads={"ip": "Article 3 (Intellectual Property)"},
    ),
)
