/*
 * demo_cases.c — the service-case part of the demonstration data set (see
 * demo_int.h): case types, the working calendar, two years of cases, complaints
 * and case assistance, all through the cases module so that every case's events,
 * every audit entry and every figure are real.
 *
 * What it loads:
 * - China's public holidays and make-up working days (调休) of 2025 and 2026, as
 *   the State Council announced them, on the national bureau's calendar, which
 *   every bureau below inherits;
 * - eleven case types in five bureaus (Tonglu, Hangzhou, Hubei, Zigui, Linli),
 *   named in zh-CN, en, ru, ja, ko, vi, fr and ar, with their materials in the
 *   same eight languages, a target in working or elapsed hours and one or two
 *   approval levels;
 * - the cases of the two years that end on the day of loading, so that the inbox
 *   of clerk and reviewer (桐庐) and director (湖北) always holds recent work:
 *   received online (the public), at the window, by phone or by a staff member as
 *   proxy for an elderly applicant; accepted, assigned, reviewed, sometimes
 *   reassigned or paused on the applicant for evidence, decided (some refused with
 *   reasons), approved at the second level where the type has one, closed. The
 *   processing time (the type's clock at decision) is drawn from a log-normal
 *   distribution whose median is about 40% of the target, so most cases finish in
 *   time and a long tail is late; one case in fifty is stuck far beyond its target.
 *   Acts scheduled after the moment of loading do not happen: those cases are open;
 * - complaints in the six categories (about 35% cumbersome procedure), from the
 *   public or taken at the window, some anonymous, some repeats from the same
 *   phone, most replied to within the 20 working days and rated;
 * - assistance requests on stuck cases, handled by the ombudsman, concluded with a
 *   cause when the case is unstuck; causes recur, so systemic issues appear.
 *
 * The acts run in time order: each case is planned first (its instants), then one
 * min-heap of (instant, case, step) replays them all, with the clock of the context
 * set to each instant (a copy of the app with a clock of its own). The generator is
 * demo.c's splitmix64 with a seed of its own, so a load on a given day always
 * produces the same data. Everything is one transaction, as in demo_funds.c; the
 * accounts of the people without a demo login are made before and disabled after.
 */
#include "demo/demo_int.h"

#include "auth/auth.h"
#include "base/buf.h"
#include "base/clock.h"
#include "base/idcard.h"
#include "cases/assistance.h"
#include "cases/cases.h"
#include "cases/complaint.h"
#include "files/files.h"

#include <math.h>
#include <sodium.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))
#define rng_below lz_demo__rng_below
#define DAY INT64_C(86400)
#define HOUR INT64_C(3600)

/* ---------------------------------------------------------------- the calendar */

/* 国务院办公厅关于2025年、2026年部分节假日安排的通知. */
static const struct {
	const char *from, *to, *name;
} holidays[] = {
    {"2025-01-01", "2025-01-01", "元旦"},       {"2025-01-28", "2025-02-04", "春节"},
    {"2025-04-04", "2025-04-06", "清明节"},     {"2025-05-01", "2025-05-05", "劳动节"},
    {"2025-05-31", "2025-06-02", "端午节"},     {"2025-10-01", "2025-10-08", "国庆节、中秋节"},
    {"2026-01-01", "2026-01-03", "元旦"},       {"2026-02-15", "2026-02-23", "春节"},
    {"2026-04-04", "2026-04-06", "清明节"},     {"2026-05-01", "2026-05-05", "劳动节"},
    {"2026-06-19", "2026-06-21", "端午节"},     {"2026-09-25", "2026-09-27", "中秋节"},
    {"2026-10-01", "2026-10-07", "国庆节"},
};

static const struct {
	const char *date, *name;
} makeup_days[] = {
    {"2025-01-26", "春节调休"},   {"2025-02-08", "春节调休"},   {"2025-04-27", "劳动节调休"},
    {"2025-09-28", "国庆节调休"}, {"2025-10-11", "国庆节调休"}, {"2026-01-04", "元旦调休"},
    {"2026-02-14", "春节调休"},   {"2026-02-28", "春节调休"},   {"2026-05-09", "劳动节调休"},
    {"2026-09-20", "国庆节调休"}, {"2026-10-10", "国庆节调休"},
};

/* ---------------------------------------------------------------- case types */

static const char *const langs[] = {"zh-CN", "en", "ru", "ja", "ko", "vi", "fr", "ar"};
#define N_LANGS COUNT(langs)

/*
 * The required materials, in the languages of 'langs' (zh-CN first): what an
 * applicant brings, as the portal lists it in the reader's language.
 */
enum {
	M_NONE, /* ends a kind's list */
	M_ID_CARD,
	M_HUKOU_BOOK,
	M_RESETTLEMENT,
	M_ORIGIN,
	M_ADMISSION,
	M_HOUSING,
	M_HKMO_PERMIT,
	M_PHOTO,
	M_PASSPORT,
	M_VISA_COPY,
	M_LODGING,
	M_MEDICAL,
	M_WORK_OR_STUDY,
	M_CONTRACT,
	M_DEGREE,
	M_NO_RECORD,
	M_EXPERIENCE,
	M_CONTINUOUS,
	M_TAX,
	M_RELOCATION,
	M_BANK,
	N_MATERIALS
};

static const char *const material_texts[N_MATERIALS][N_LANGS] = {
    [M_ID_CARD] = {"居民身份证", "Resident identity card", "Удостоверение личности гражданина КНР",
                   "居民身分証", "주민신분증", "Thẻ căn cước cư dân", "Carte d'identité de résident",
                   "بطاقة هوية المقيم"},
    [M_HUKOU_BOOK] = {"户口簿", "Household register (hukou booklet)", "Домовая книга (хукоу)", "戸口簿",
                      "호구부", "Sổ hộ khẩu", "Livret d'enregistrement du foyer (hukou)",
                      "دفتر تسجيل الأسرة (هوكو)"},
    [M_RESETTLEMENT] = {"移民安置协议", "Resettlement agreement", "Соглашение о переселении",
                        "移民安置協議書", "이주 정착 협약서", "Thỏa thuận tái định cư",
                        "Accord de réinstallation", "اتفاقية إعادة التوطين"},
    [M_ORIGIN] = {"原迁出地证明", "Certificate from the place of origin",
                  "Справка с прежнего места жительства", "元の転出地の証明書", "원 전출지 증명서",
                  "Giấy xác nhận của nơi chuyển đi", "Attestation du lieu d'origine",
                  "شهادة من مكان الإقامة الأصلي"},
    [M_ADMISSION] = {"准予迁入证明", "Approval to transfer residence",
                     "Разрешение на регистрацию по новому месту жительства", "転入許可証明書",
                     "전입 허가 증명서", "Giấy chấp thuận cho chuyển đến",
                     "Autorisation de transfert de résidence", "إذن بالانتقال إلى مكان الإقامة الجديد"},
    [M_HOUSING] = {"安置点房屋证明", "Proof of housing at the resettlement site",
                   "Документ о жилье в месте переселения", "安置地の住宅証明書", "정착지 주택 증명서",
                   "Giấy xác nhận nhà ở tại khu tái định cư",
                   "Justificatif de logement sur le site de réinstallation",
                   "إثبات السكن في موقع إعادة التوطين"},
    [M_HKMO_PERMIT] = {"往来港澳通行证", "Exit-entry permit for Hong Kong and Macao",
                       "Пропуск для поездок в Гонконг и Макао", "香港・マカオ往来通行証",
                       "홍콩·마카오 왕래 통행증", "Giấy thông hành qua lại Hồng Kông và Ma Cao",
                       "Laissez-passer pour Hong Kong et Macao", "تصريح السفر من وإلى هونغ كونغ وماكاو"},
    [M_PHOTO] = {"近期免冠照片", "Recent photograph, bareheaded", "Недавняя фотография без головного убора",
                 "最近撮影した無帽の写真", "모자를 쓰지 않은 최근 사진", "Ảnh chụp gần đây, không đội mũ",
                 "Photographie récente, tête nue", "صورة شخصية حديثة دون غطاء للرأس"},
    [M_PASSPORT] = {"护照", "Passport", "Паспорт", "旅券（パスポート）", "여권", "Hộ chiếu", "Passeport",
                    "جواز السفر"},
    [M_VISA_COPY] = {"签证页复印件", "Copy of the visa page", "Копия страницы с визой", "査証ページの写し",
                     "사증(비자)면 사본", "Bản sao trang thị thực", "Copie de la page du visa",
                     "نسخة من صفحة التأشيرة"},
    [M_LODGING] = {"境外人员住宿登记表", "Accommodation registration form for foreign nationals",
                   "Регистрационная форма о месте проживания иностранца", "外国人宿泊登記表",
                   "외국인 숙박 등록표", "Phiếu đăng ký tạm trú của người nước ngoài",
                   "Fiche de déclaration d'hébergement des étrangers", "استمارة تسجيل إقامة الأجانب"},
    [M_MEDICAL] = {"体检证明", "Medical examination certificate", "Медицинское заключение", "健康診断証明書",
                   "건강검진 증명서", "Giấy chứng nhận khám sức khỏe", "Certificat d'examen médical",
                   "شهادة الفحص الطبي"},
    [M_WORK_OR_STUDY] = {"工作许可或在学证明", "Work permit or proof of enrolment",
                         "Разрешение на работу или справка с места учёбы", "就労許可または在学証明書",
                         "취업 허가 또는 재학 증명서", "Giấy phép lao động hoặc giấy xác nhận đang học",
                         "Permis de travail ou certificat de scolarité", "تصريح عمل أو إثبات القيد الدراسي"},
    [M_CONTRACT] = {"劳动合同", "Employment contract", "Трудовой договор", "労働契約書", "근로계약서",
                    "Hợp đồng lao động", "Contrat de travail", "عقد العمل"},
    [M_DEGREE] = {"最高学位证明", "Certificate of highest degree", "Документ о высшей полученной степени",
                  "最終学位の証明書", "최종 학위 증명서", "Giấy chứng nhận bằng cấp cao nhất",
                  "Justificatif du diplôme le plus élevé", "شهادة أعلى درجة علمية"},
    [M_NO_RECORD] = {"无犯罪记录证明", "Certificate of no criminal record", "Справка об отсутствии судимости",
                     "無犯罪証明書", "무범죄 기록 증명서", "Phiếu lý lịch tư pháp",
                     "Certificat de non-condamnation", "شهادة عدم المحكومية"},
    [M_EXPERIENCE] = {"工作资历证明", "Proof of work experience", "Подтверждение опыта работы", "職歴証明書",
                      "경력 증명서", "Giấy xác nhận kinh nghiệm làm việc",
                      "Attestation d'expérience professionnelle", "إثبات الخبرة العملية"},
    [M_CONTINUOUS] = {"在华连续居留证明", "Proof of continuous residence in China",
                      "Подтверждение непрерывного проживания в Китае", "中国における継続居留の証明書",
                      "중국 내 연속 거류 증명서", "Giấy xác nhận cư trú liên tục tại Trung Quốc",
                      "Justificatif de résidence continue en Chine", "إثبات الإقامة المتواصلة في الصين"},
    [M_TAX] = {"完税证明", "Tax payment certificate", "Справка об уплате налогов", "納税証明書",
               "납세 증명서", "Giấy xác nhận hoàn thành nghĩa vụ thuế", "Attestation de paiement des impôts",
               "شهادة سداد الضرائب"},
    [M_RELOCATION] = {"搬迁协议", "Relocation agreement", "Соглашение о переезде", "移転協議書",
                      "이전 협약서", "Thỏa thuận di dời", "Convention de relogement",
                      "اتفاقية إعادة الإسكان"},
    [M_BANK] = {"银行账户信息", "Bank account details", "Банковские реквизиты", "銀行口座情報",
                "은행 계좌 정보", "Thông tin tài khoản ngân hàng", "Coordonnées bancaires",
                "بيانات الحساب المصرفي"},
};

enum { K_SUPPORT, K_HUKOU, K_HKMO, K_RESIDENCE, K_WORK, K_PERMANENT, K_PASSPORT, K_SUBSIDY, N_KINDS };

static const struct {
	const char *code;
	const char *names[N_LANGS];
	int materials[6]; /* M_…, M_NONE after the last */
	const char *refusals[3];
	bool foreign; /* applicants hold passports */
} kinds[N_KINDS] = {
    [K_SUPPORT] = {"support-eligibility",
                   {"移民后期扶持资格认定", "Post-relocation support eligibility",
                    "Признание права на поддержку после переселения", "移民後期扶助の資格認定",
                    "이주민 후기 지원 자격 인정", "Xác nhận đủ điều kiện hỗ trợ sau tái định cư",
                    "Reconnaissance du droit à l'aide post-réinstallation",
                    "الاعتراف بأهلية دعم ما بعد إعادة التوطين"},
                   {M_ID_CARD, M_HUKOU_BOOK, M_RESETTLEMENT, M_ORIGIN},
                   {"不符合大中型水库农村移民认定条件", "原迁出地证明与登记信息不一致",
                    "已在其他地区享受后期扶持"},
                   false},
    [K_HUKOU] = {"hukou-transfer",
                 {"户口迁移（移民安置）", "Household registration transfer (resettlement)",
                  "Перевод регистрации по месту жительства (переселение)", "戸籍の移転（移民安置）",
                  "호적 이전(이주 정착)", "Chuyển hộ khẩu (tái định cư)",
                  "Transfert de l'enregistrement du foyer (réinstallation)",
                  "نقل تسجيل الأسرة (إعادة التوطين)"},
                 {M_ID_CARD, M_HUKOU_BOOK, M_ADMISSION, M_HOUSING},
                 {"迁入地址不在安置区范围内", "缺少准予迁入证明"},
                 false},
    [K_HKMO] = {"hk-macao-endorsement",
                {"往来港澳通行证签注", "Hong Kong and Macao travel permit endorsement",
                 "Отметка в пропуске для поездок в Гонконг и Макао", "香港・マカオ往来通行証の査証",
                 "홍콩·마카오 통행증 비자", "Thị thực giấy thông hành Hồng Kông và Ma Cao",
                 "Visa du laissez-passer pour Hong Kong et Macao",
                 "تأشيرة تصريح السفر إلى هونغ كونغ وماكاو"},
                {M_ID_CARD, M_HKMO_PERMIT, M_PHOTO},
                {"通行证有效期不足", "申请人处于出境限制期内"},
                false},
    [K_RESIDENCE] = {"foreigner-residence",
                     {"外国人居留许可", "Residence permit for foreigners",
                      "Вид на жительство для иностранцев", "外国人の居留許可", "외국인 거류 허가",
                      "Giấy phép cư trú cho người nước ngoài", "Titre de séjour pour étrangers",
                      "تصريح إقامة للأجانب"},
                     {M_PASSPORT, M_VISA_COPY, M_LODGING, M_MEDICAL, M_WORK_OR_STUDY},
                     {"居留事由与所持签证种类不符", "未提供有效的住宿登记"},
                     true},
    [K_WORK] = {"foreigner-work-permit",
                {"外国人工作许可", "Work permit for foreigners", "Разрешение на работу для иностранцев",
                 "外国人の就労許可", "외국인 취업 허가", "Giấy phép lao động cho người nước ngoài",
                 "Permis de travail pour étrangers", "تصريح عمل للأجانب"},
                {M_PASSPORT, M_CONTRACT, M_DEGREE, M_NO_RECORD, M_EXPERIENCE},
                {"聘用单位未完成用人单位注册", "学历证明未经认证"},
                true},
    [K_PERMANENT] = {"permanent-residence",
                     {"外国人永久居留身份", "Permanent residence for foreigners",
                      "Постоянное проживание для иностранцев", "外国人の永住資格", "외국인 영주 자격",
                      "Thường trú cho người nước ngoài", "Résidence permanente pour étrangers",
                      "الإقامة الدائمة للأجانب"},
                     {M_PASSPORT, M_CONTINUOUS, M_TAX, M_NO_RECORD, M_MEDICAL},
                     {"在华实际居住时间不足", "纳税记录不满足连续年限"},
                     true},
    [K_PASSPORT] = {"passport",
                    {"普通护照签发", "Ordinary passport issuance", "Выдача общегражданского паспорта",
                     "一般旅券の発給", "일반 여권 발급", "Cấp hộ chiếu phổ thông",
                     "Délivrance du passeport ordinaire", "إصدار جواز السفر العادي"},
                    {M_ID_CARD, M_PHOTO},
                    {"申请人属于法定不准出境人员"},
                    false},
    [K_SUBSIDY] = {"relocation-subsidy",
                   {"移民搬迁安置补助申领", "Relocation subsidy claim",
                    "Заявление на пособие при переселении", "移転安置補助金の申請", "이주 정착 보조금 신청",
                    "Đề nghị trợ cấp di dời tái định cư", "Demande d'aide à la réinstallation",
                    "طلب إعانة إعادة التوطين"},
                   {M_ID_CARD, M_HUKOU_BOOK, M_RELOCATION, M_BANK},
                   {"补助已在原籍领取", "搬迁协议未经乡镇人民政府确认"},
                   false},
};

/*
 * The desks: who handles a bureau's cases (receives, accepts, assigns, reviews),
 * who decides (level 1), who approves (level 2) and who answers complaints. The
 * logins without a role here are demo logins (demo.c); the others get an account
 * for these acts only (make_actors).
 */
enum { A_CLERK, A_REVIEWER, A_DIRECTOR_ZJ, A_DIRECTOR, A_DISCIPLINE, A_OMBUDSMAN,
       A_HANGZHOU, A_HUBEI, A_ZIGUI, A_LINLI, N_ACTORS };

static const struct {
	const char *login, *role, *bureau_code;
} actors[N_ACTORS] = {
    [A_CLERK] = {"clerk", NULL, NULL},
    [A_REVIEWER] = {"reviewer", NULL, NULL},
    [A_DIRECTOR_ZJ] = {"director.zj", NULL, NULL},
    [A_DIRECTOR] = {"director", NULL, NULL},
    [A_DISCIPLINE] = {"discipline", NULL, NULL},
    [A_OMBUDSMAN] = {"ombudsman", NULL, NULL},
    [A_HANGZHOU] = {"hangzhou.cases", "reviewer", "330100"},
    [A_HUBEI] = {"hubei.cases", "reviewer", "420000"},
    [A_ZIGUI] = {"zigui.cases", "reviewer", "420527"},
    [A_LINLI] = {"linli.cases", "reviewer", "430724"},
};

enum { B_TONGLU, B_HANGZHOU, B_HUBEI, B_ZIGUI, B_LINLI, N_DESKS };

static const struct {
	const char *code;
	int handler, decider, approver, complaints;
	int login_staff[2]; /* actors whose staff take a larger share of the cases */
} desks[N_DESKS] = {
    [B_TONGLU] = {"330122", A_CLERK, A_REVIEWER, A_DIRECTOR_ZJ, A_DIRECTOR_ZJ, {A_CLERK, A_REVIEWER}},
    [B_HANGZHOU] = {"330100", A_HANGZHOU, A_HANGZHOU, A_DIRECTOR_ZJ, A_DIRECTOR_ZJ, {A_HANGZHOU, -1}},
    [B_HUBEI] = {"420000", A_HUBEI, A_HUBEI, A_DIRECTOR, A_DIRECTOR, {A_DIRECTOR, A_HUBEI}},
    [B_ZIGUI] = {"420527", A_ZIGUI, A_ZIGUI, A_DIRECTOR, A_DIRECTOR, {A_ZIGUI, -1}},
    [B_LINLI] = {"430724", A_LINLI, A_LINLI, -1, A_DISCIPLINE, {A_LINLI, -1}},
};

/* The types: desk, kind, target, clock, approval levels, pauses, share of the cases. */
static const struct {
	int desk, kind, sla_hours;
	const char *clock;
	int levels;
	bool pauses;
	int weight;
	int median_pct; /* the median processing time, in % of the target */
} types[] = {
    {B_TONGLU, K_SUPPORT, 160, "working", 2, true, 10, 45},
    {B_TONGLU, K_HUKOU, 80, "working", 1, true, 12, 35},
    {B_TONGLU, K_HKMO, 168, "elapsed", 1, false, 18, 30},
    {B_HANGZHOU, K_RESIDENCE, 120, "working", 2, true, 14, 45},
    {B_HANGZHOU, K_WORK, 80, "working", 1, true, 12, 40},
    {B_HUBEI, K_PERMANENT, 480, "working", 2, true, 4, 50},
    {B_HUBEI, K_PASSPORT, 168, "elapsed", 1, false, 10, 35},
    {B_ZIGUI, K_SUPPORT, 160, "working", 2, true, 8, 45},
    {B_ZIGUI, K_HUKOU, 80, "working", 1, true, 6, 40},
    {B_LINLI, K_SUPPORT, 160, "working", 1, true, 6, 50},
    {B_LINLI, K_SUBSIDY, 120, "working", 1, true, 5, 40},
};

#define N_TYPES COUNT(types)

/* ---------------------------------------------------------------- people and words */

static const char *const foreign_names[] = {
    "John Smith",     "Emily Johnson", "Ivan Petrov",     "Olga Smirnova",   "Tanaka Yuki",
    "Sato Haruto",    "Kim Min-jun",   "Lee Seo-yeon",    "Nguyen Van An",   "Tran Thi Mai",
    "Marie Dubois",   "Lucas Martin",  "Ahmed Hassan",    "Fatima Al-Sayed", "Carlos García",
    "Anna Müller",    "Rahul Sharma",  "Siti Rahmawati",  "Somchai Wongsa",  "Aigerim Bekova",
};

static const char *const passport_prefixes[] = {"E", "P", "K", "N", "G", "C", "AB", "XK"};

static const char *const evidence_notes[] = {
    "请补充原迁出地村委会出具的证明", "请补充近三个月的住宿登记", "身份证复印件不清晰，请重新提交",
    "请补充聘用单位盖章的劳动合同",   "请补充户口簿首页及本人页",
};

/* The categories with their weights (‰): cumbersome procedure about 35%. */
static const struct {
	const char *category;
	int weight;
	const char *texts[2];
} complaint_kinds[] = {
    {"cumbersome_procedure", 350, {"同样的材料要求提交了三次，每次窗口说法不一。",
                                   "网上已提交的材料到窗口又要求重新打印盖章。"}},
    {"delay", 230, {"办件已超过承诺时限仍无结果，电话询问无人答复。", "说好十个工作日办结，现在一个多月了。"}},
    {"attitude", 150, {"窗口工作人员态度生硬，不解释就让回去等。", "电话咨询时被多次挂断。"}},
    {"policy", 120, {"扶持资格认定标准不清楚，希望公开细则。", "迁入条件比邻县严格，希望说明依据。"}},
    {"corruption", 40, {"有人称交钱可以加快办理。", "窗口人员暗示需要“打点”。"}},
    {"other", 110, {"大厅停车位太少，老人办事不方便。", "网站预约系统经常无法打开。"}},
};

static const char *const replies[] = {
    "已核实情况，相关材料已一次性告知清单，今后窗口统一口径。",
    "已督促承办人加快办理，并向您说明了进度。",
    "已对相关工作人员进行批评教育，并当面致歉。",
    "已将政策依据书面答复，并在网站公开办事指南。",
};

/* Causes the ombudsman records; the first recurs most (a systemic issue). */
static const char *const causes[] = {"missing_form_guidance", "police_record_backlog", "reviewer_on_leave"};

/* ---------------------------------------------------------------- the plan */

enum {
	S_RECEIVE, S_ACCEPT, S_ASSIGN, S_REVIEW, S_REASSIGN, S_EVIDENCE, S_EVIDENCE_BACK, S_DECIDE, S_APPROVE,
	S_CLOSE, S_ASK, S_ASK_BUREAU, S_CONCLUDE, S_COMPLAIN, S_C_ASSIGN, S_C_REPLY, S_C_RATE,
};

#define MAX_STEPS 18

typedef struct {
	int64_t at;
	uint8_t kind;
} step;

typedef struct {
	uint8_t type, channel, nsteps, next;
	bool refused, elderly, failed, complaint_failed, assist_failed;
	uint8_t complaint_kind, satisfaction, cause;
	int32_t phone; /* complainant phone index, -1 = anonymous */
	int64_t id, assignee, reassignee, complaint, assist;
	char receipt[LZ_CASE_RECEIPT_MAX];
	char code[LZ_CASE_CODE_LEN + 1];
	uint64_t seed;
	step steps[MAX_STEPS];
} dcase;

typedef struct {
	int64_t at;
	int32_t item;
} heap_entry;

typedef struct {
	lz_ctx *ctx;
	lz_actor system;
	lz_actor actor[N_ACTORS];
	int64_t user[N_ACTORS], staff[N_ACTORS];
	lz_demo_rng rng;
	lz_demo_cases_summary *sum;
	lz_clock clock;
	lz_calendar cal;
	int64_t desk_bureau[N_DESKS], national;
	int64_t pool[N_DESKS][6];
	int npool[N_DESKS];
	int64_t type_id[N_TYPES];
	int64_t start, end; /* the two years: [start, end) */
	dcase *cases;
	int ncases;
	heap_entry *heap;
	int nheap;
	int32_t complainants[64]; /* case indexes whose number complained (planning) */
	int ncomplainants;
} loader;

static void as_system(loader *l)
{
	l->ctx->actor = l->system;
}

static void as(loader *l, int who)
{
	l->ctx->actor = l->actor[who];
}

static double uniform(loader *l)
{
	return ((double)(lz_demo__rng_next(&l->rng) >> 11) + 0.5) / 9007199254740992.0;
}

/* A standard normal draw (Box–Muller). */
static double normal(loader *l)
{
	double u1 = uniform(l), u2 = uniform(l);
	return sqrt(-2.0 * log(u1)) * cos(6.283185307179586 * u2);
}

/* The instant at which a type's clock, started at 'from', has run 'x' seconds. */
static int64_t clock_at(const loader *l, int t, int64_t from, int64_t x)
{
	if (strcmp(types[t].clock, "working") == 0)
		return lz_calendar_add_working(&l->cal, from, x);
	return from + x;
}

/*
 * An instant within working time: 'at' itself when it is in 09:00–17:00 local of a
 * working day, else the same offset into the working hours of the next working
 * day (so window receipts keep their spread over the day).
 */
static int64_t working_instant(const loader *l, int64_t at)
{
	int32_t day = lz_calendar_local_day(at);
	int64_t local = at + LZ_CAL_UTC_OFFSET - (int64_t)day * DAY;

	if (lz_calendar_is_workday(&l->cal, day) && local >= LZ_CAL_DAY_START && local < LZ_CAL_DAY_END)
		return at;
	if (local >= LZ_CAL_DAY_START || !lz_calendar_is_workday(&l->cal, day))
		do
			day++;
		while (!lz_calendar_is_workday(&l->cal, day));
	return (int64_t)day * DAY - LZ_CAL_UTC_OFFSET + LZ_CAL_DAY_START + local % LZ_CAL_WORKDAY_SECONDS;
}

static void add_step(dcase *c, int64_t at, int kind)
{
	if (c->nsteps < MAX_STEPS)
		c->steps[c->nsteps++] = (step){at, (uint8_t)kind};
}

/* Orders a case's steps by time, keeping the planned order among equal times. */
static void sort_steps(dcase *c)
{
	for (int i = 1; i < c->nsteps; i++) {
		step s = c->steps[i];
		int j = i;
		while (j > 0 && c->steps[j - 1].at > s.at) {
			c->steps[j] = c->steps[j - 1];
			j--;
		}
		c->steps[j] = s;
	}
}

static int pick_type(loader *l)
{
	int total = 0, r;
	for (size_t t = 0; t < N_TYPES; t++)
		total += types[t].weight;
	r = (int)rng_below(&l->rng, (uint32_t)total);
	for (size_t t = 0; t < N_TYPES; t++)
		if ((r -= types[t].weight) < 0)
			return (int)t;
	return 0;
}

static int pick_complaint_kind(loader *l)
{
	int r = (int)rng_below(&l->rng, 1000);
	for (size_t k = 0; k < COUNT(complaint_kinds); k++)
		if ((r -= complaint_kinds[k].weight) < 0)
			return (int)k;
	return (int)COUNT(complaint_kinds) - 1;
}

/*
 * Plans one case: when it is received and through which channel, its processing
 * time, and the instants of every act, complaint and assistance step.
 */
static void plan_case(loader *l, dcase *c)
{
	int t = pick_type(l);
	const int64_t target = (int64_t)types[t].sla_hours * HOUR;
	uint32_t roll = rng_below(&l->rng, 100);
	int64_t span = l->end - l->start, r, p;
	double u = uniform(l);

	memset(c, 0, sizeof(*c));
	c->type = (uint8_t)t;
	c->seed = lz_demo__rng_next(&l->rng);
	c->phone = -1;
	/* More work in the second year: a mix of a flat and a rising density. */
	if (rng_below(&l->rng, 100) < 40)
		u = sqrt(u);
	r = l->start + (int64_t)(u * (double)span);
	/* Proxy mostly for the resettlement kinds, whose applicants are older. */
	bool resettle = types[t].kind == K_SUPPORT || types[t].kind == K_HUKOU || types[t].kind == K_SUBSIDY;
	if (roll < (resettle ? 35u : 55u))
		c->channel = LZ_CHANNEL_ONLINE;
	else if (roll < (resettle ? 75u : 92u))
		c->channel = LZ_CHANNEL_WINDOW;
	else if (roll < (resettle ? 82u : 100u))
		c->channel = LZ_CHANNEL_PHONE;
	else
		c->channel = LZ_CHANNEL_PROXY;
	c->elderly = c->channel == LZ_CHANNEL_PROXY;
	if (c->channel != LZ_CHANNEL_ONLINE)
		r = working_instant(l, r);
	if (r >= l->end)
		r = l->end - 60;

	/* The processing time: log-normal around the type's median, one in fifty stuck
	 * (one in eight of the last six weeks' cases, so the inboxes hold overdue work). */
	bool stuck = rng_below(&l->rng, r > l->end - 42 * DAY ? 8 : 50) == 0;
	if (stuck)
		p = (int64_t)((double)target * (2.5 + 3.0 * uniform(l)));
	else
		p = (int64_t)((double)target * types[t].median_pct / 100.0 * exp(0.6 * normal(l)));
	if (p < target / 50)
		p = target / 50 + 600;

	/*
	 * Evidence requested from the applicant in about one case in six of the types
	 * whose clock pauses: at half the processing time the clock stops for one to
	 * fourteen days and then runs on from where it stood, so an act at clock
	 * position x after the pause happens x - x_pause into the clock from 'back'.
	 */
	bool evidence = types[t].pauses && rng_below(&l->rng, 6) == 0;
	int64_t x_pause = p / 2, back = 0;
#define AT(x) (!evidence || (x) <= x_pause ? clock_at(l, t, r, (x)) : clock_at(l, t, back, (x)-x_pause))
	add_step(c, r, S_RECEIVE);
	if (evidence) {
		int64_t ask = clock_at(l, t, r, x_pause);
		back = ask + (int64_t)(1 + rng_below(&l->rng, 14)) * DAY + (int64_t)rng_below(&l->rng, 8) * HOUR;
		add_step(c, ask, S_EVIDENCE);
		add_step(c, back, S_EVIDENCE_BACK);
	}
	add_step(c, AT(p * 6 / 100 + 60), S_ACCEPT);
	add_step(c, AT(p * 10 / 100 + 120), S_ASSIGN);
	add_step(c, AT(p * 25 / 100 + 180), S_REVIEW);
	if (rng_below(&l->rng, 20) == 0)
		add_step(c, AT(p * 35 / 100 + 240), S_REASSIGN);
	c->refused = rng_below(&l->rng, 100) < 8;
	int64_t decided;
	if (types[t].levels > 1) {
		add_step(c, AT(p * 9 / 10 + 300), S_DECIDE);
		decided = AT(p + 360);
		add_step(c, decided, S_APPROVE);
	} else {
		decided = AT(p + 300);
		add_step(c, decided, S_DECIDE);
	}
	if (rng_below(&l->rng, 10) < 9)
		add_step(c, decided + (int64_t)(1 + rng_below(&l->rng, 3)) * DAY, S_CLOSE);

	/* A stuck case: the applicant asks the ombudsman, who asks the bureau to act. */
	if (stuck && rng_below(&l->rng, 10) < 7) {
		int64_t ask = AT(target + target / 10);
		if (ask < decided - 2 * DAY) {
			add_step(c, ask, S_ASK);
			add_step(c, ask + (int64_t)(1 + rng_below(&l->rng, 2)) * DAY, S_ASK_BUREAU);
			add_step(c, decided + DAY, S_CONCLUDE);
			/* The first cause half of the time: the one that becomes systemic. */
			c->cause = (uint8_t)(rng_below(&l->rng, 2) == 0 ? 0 : rng_below(&l->rng, COUNT(causes)));
		}
	}

	/* Complaints: one case in thirty, one late case in six. */
	if (rng_below(&l->rng, p > target ? 6 : 30) == 0) {
		int k = pick_complaint_kind(l);
		int64_t filed = decided + (int64_t)(HOUR * 12 + rng_below(&l->rng, 5 * 24) * HOUR);
		if (strcmp(complaint_kinds[k].category, "delay") == 0 && p > target)
			filed = AT(target + target / 5);
		c->complaint_kind = (uint8_t)k;
		add_step(c, filed, S_COMPLAIN);
		int64_t assigned = lz_calendar_add_working(&l->cal, filed, 4 * HOUR);
		add_step(c, assigned, S_C_ASSIGN);
		/* Most replies well within the 20 working days, a few after. */
		int days = rng_below(&l->rng, 10) == 0 ? 21 + (int)rng_below(&l->rng, 10) : 2 + (int)rng_below(&l->rng, 15);
		int64_t replied = lz_calendar_add_working(&l->cal, assigned, (int64_t)days * LZ_CAL_WORKDAY_SECONDS);
		add_step(c, replied, S_C_REPLY);
		if (rng_below(&l->rng, 10) < 8) {
			/* The follow-up call: cumbersome procedures and delays please least. */
			int base = k <= 1 ? 2 : 3;
			c->satisfaction = (uint8_t)(base + rng_below(&l->rng, 3));
			add_step(c, replied + (int64_t)(2 + rng_below(&l->rng, 5)) * DAY, S_C_RATE);
		}
		/* Corruption reports come anonymous; one complainant in eight has complained
		 * before, from the same phone (a repeat). */
		if (strcmp(complaint_kinds[k].category, "corruption") != 0) {
			if (l->ncomplainants > 0 && rng_below(&l->rng, 8) == 0)
				c->phone = l->complainants[rng_below(&l->rng, (uint32_t)l->ncomplainants)];
			else
				c->phone = l->ncases;
			if (l->ncomplainants < (int)COUNT(l->complainants))
				l->complainants[l->ncomplainants++] = c->phone;
		}
	}
#undef AT
	sort_steps(c);
	/* The receipt comes first whatever the arithmetic did. */
	for (int i = 0; i < c->nsteps; i++)
		if (c->steps[i].kind == S_RECEIVE && i > 0) {
			step s = c->steps[i];
			memmove(&c->steps[1], &c->steps[0], (size_t)i * sizeof(step));
			c->steps[0] = s;
		}
}

/* ---------------------------------------------------------------- the heap */

static bool heap_less(const loader *l, heap_entry a, heap_entry b)
{
	(void)l;
	return a.at < b.at || (a.at == b.at && a.item < b.item);
}

static void heap_push(loader *l, heap_entry e)
{
	int i = l->nheap++;
	l->heap[i] = e;
	while (i > 0 && heap_less(l, l->heap[i], l->heap[(i - 1) / 2])) {
		heap_entry t = l->heap[i];
		l->heap[i] = l->heap[(i - 1) / 2];
		l->heap[(i - 1) / 2] = t;
		i = (i - 1) / 2;
	}
}

static heap_entry heap_pop(loader *l)
{
	heap_entry top = l->heap[0];
	l->heap[0] = l->heap[--l->nheap];
	for (int i = 0;;) {
		int a = 2 * i + 1, b = a + 1, m = i;
		if (a < l->nheap && heap_less(l, l->heap[a], l->heap[m]))
			m = a;
		if (b < l->nheap && heap_less(l, l->heap[b], l->heap[m]))
			m = b;
		if (m == i)
			break;
		heap_entry t = l->heap[i];
		l->heap[i] = l->heap[m];
		l->heap[m] = t;
		i = m;
	}
	return top;
}

/* ---------------------------------------------------------------- the acts */

/* A GB 11643 ID number of someone born in 'year', registered in 'division'. */
static void make_id_number(char out[19], loader *l, const char *division, int year)
{
	unsigned month = 1 + rng_below(&l->rng, 12), day = 1 + rng_below(&l->rng, 28);
	char buf[40];
	snprintf(buf, sizeof(buf), "%.6s%04u%02u%02u%03u", division, (unsigned)year % 10000u, month, day,
	         rng_below(&l->rng, 1000));
	memcpy(out, buf, 17);
	out[17] = lz_idcard_check_char(out);
	out[18] = '\0';
}

/* An ID division for a bureau's applicants: a county-level code. */
static const char *division_of(int desk)
{
	switch (desk) {
	case B_HANGZHOU:
		return "330106";
	case B_HUBEI:
		return "420106";
	default:
		return desks[desk].code;
	}
}

static int64_t pick_staff(loader *l, int desk)
{
	/* The staff of the demo logins take half of their bureau's cases. */
	uint32_t r = rng_below(&l->rng, 100);
	for (int k = 0; k < 2; k++)
		if (desks[desk].login_staff[k] >= 0 && r < 25u * (uint32_t)(k + 1))
			return l->staff[desks[desk].login_staff[k]];
	return l->pool[desk][rng_below(&l->rng, (uint32_t)l->npool[desk])];
}

#define DEMO_ATTACHMENTS 40 /* online applications that come with a scanned page */

static int act_receive(loader *l, dcase *c)
{
	int t = c->type, desk = types[t].desk;
	const bool foreign = kinds[types[t].kind].foreign;
	char name[72], id_number[24], phone[16], email[48], summary[160];
	lz_case_input in = {0};
	lz_case_receipt rc;
	int error;

	if (foreign) {
		const char *n = foreign_names[rng_below(&l->rng, COUNT(foreign_names))];
		snprintf(name, sizeof(name), "%s", n);
		snprintf(id_number, sizeof(id_number), "%s%08u",
		         passport_prefixes[rng_below(&l->rng, COUNT(passport_prefixes))],
		         10000000u + rng_below(&l->rng, 89999999u));
	} else {
		uint32_t a = rng_below(&l->rng, (uint32_t)lz_demo__nsurnames),
		         b = rng_below(&l->rng, (uint32_t)lz_demo__nsurnames);
		snprintf(name, sizeof(name), "%s%s", lz_demo__surnames[a < b ? a : b],
		         lz_demo__given_names[rng_below(&l->rng, (uint32_t)lz_demo__ngiven_names)]);
		int year = c->elderly ? 1936 + (int)rng_below(&l->rng, 20) : 1960 + (int)rng_below(&l->rng, 45);
		make_id_number(id_number, l, division_of(desk), year);
	}
	snprintf(phone, sizeof(phone), "1%u%09u", 3u + rng_below(&l->rng, 7), rng_below(&l->rng, 1000000000u));
	snprintf(email, sizeof(email), "applicant%u@example.cn", rng_below(&l->rng, 1000000));
	snprintf(summary, sizeof(summary), "申请%s", kinds[types[t].kind].names[0]);
	in.type_id = l->type_id[t];
	in.channel = lz_case_channel_name(c->channel);
	in.name = name;
	in.id_number = id_number;
	in.phone = rng_below(&l->rng, 10) < 8 ? phone : NULL;
	in.email = c->channel == LZ_CHANNEL_ONLINE && rng_below(&l->rng, 2) ? email : NULL;
	in.summary = summary;
	if (c->channel == LZ_CHANNEL_ONLINE)
		lz_auth_act_as_public(l->ctx);
	else
		as(l, desks[desk].handler);
	/* Some applicants online attach a scan of the first material (a few dozen files). */
	if (c->channel == LZ_CHANNEL_ONLINE && l->sum->attachments < DEMO_ATTACHMENTS &&
	    rng_below(&l->rng, 6) == 0) {
		lz_buf png = LZ_BUF_INIT;
		lz_demo__png(&png, 7000u + (uint32_t)l->sum->attachments);
		error = lz_file_put_for_application(in.attachments[0].sha256, l->ctx, l->desk_bureau[desk],
		                                    "scan-1.png", "image/png", png.ptr, png.len);
		lz_buf_dispose(&png);
		if (error < 0)
			return error;
		in.attachments[0].material = 0;
		in.nattachments = 1;
		l->sum->attachments++;
	}
	if ((error = lz_case_receive(&rc, l->ctx, &in)) < 0)
		return error;
	c->id = rc.id;
	memcpy(c->receipt, rc.receipt_no, sizeof(c->receipt));
	memcpy(c->code, rc.check_code, sizeof(c->code));
	l->sum->cases++;
	l->sum->channels[c->channel - 1]++;
	return 0;
}

static int act_complain(loader *l, dcase *c, int64_t at)
{
	int desk = types[c->type].desk, k = c->complaint_kind;
	lz_complaint_input in = {0};
	lz_complaint_receipt rc;
	char phone[16], *name = NULL, namebuf[40];
	uint32_t how = rng_below(&l->rng, 100);
	int error;

	(void)at;
	in.category = complaint_kinds[k].category;
	in.description = complaint_kinds[k].texts[rng_below(&l->rng, 2)];
	if (c->phone != -1) {
		/* A repeat complainant calls from the number of an earlier complaint. */
		int32_t who = c->phone;
		snprintf(phone, sizeof(phone), "139%08d", (int)who);
		snprintf(namebuf, sizeof(namebuf), "%s先生", lz_demo__surnames[who % (int32_t)lz_demo__nsurnames]);
		in.contact_phone = phone;
		name = namebuf;
		in.contact_name = name;
	}
	if (how < 60) {
		/* The applicant at the portal, about the case. */
		in.receipt_no = c->receipt;
		in.check_code = c->code;
		lz_auth_act_as_public(l->ctx);
	} else if (how < 85) {
		/* Taken at the window or on the phone, about the case. */
		in.case_id = c->id;
		as_system(l);
	} else {
		/* About the staff member or the bureau, at the portal. */
		in.bureau_id = l->desk_bureau[desk];
		in.staff_id = c->assignee;
		lz_auth_act_as_public(l->ctx);
	}
	if ((error = lz_complaint_file(&rc, l->ctx, &in)) < 0)
		return error;
	c->complaint = rc.id;
	l->sum->complaints++;
	if (strcmp(in.category, "cumbersome_procedure") == 0)
		l->sum->cumbersome++;
	if (rc.repeat_of)
		l->sum->repeats++;
	return 0;
}

/* Runs step 'i' of case 'c' at its instant. */
static int act(loader *l, dcase *c, int i)
{
	const step *s = &c->steps[i];
	int t = c->type, desk = types[t].desk;
	char note[120];
	int error = 0;

	l->clock.fixed = s->at;
	if (s->kind != S_RECEIVE && (!c->id || (c->failed && s->kind <= S_CLOSE)))
		return 0;
	switch (s->kind) {
	case S_RECEIVE:
		return act_receive(l, c);
	case S_ACCEPT:
		as(l, desks[desk].handler);
		return lz_case_accept(l->ctx, c->id, NULL);
	case S_ASSIGN:
		as(l, desks[desk].handler);
		c->assignee = pick_staff(l, desk);
		return lz_case_assign(l->ctx, c->id, c->assignee, NULL);
	case S_REVIEW:
		as(l, desks[desk].handler);
		return lz_case_start_review(l->ctx, c->id, NULL);
	case S_REASSIGN:
		as(l, desks[desk].handler);
		c->reassignee = pick_staff(l, desk);
		if (c->reassignee == c->assignee)
			return 0;
		c->assignee = c->reassignee;
		return lz_case_assign(l->ctx, c->id, c->assignee, "承办人休假，改派");
	case S_EVIDENCE:
		as(l, desks[desk].handler);
		l->sum->evidence++;
		return lz_case_request_evidence(l->ctx, c->id, evidence_notes[c->seed % COUNT(evidence_notes)]);
	case S_EVIDENCE_BACK:
		as(l, desks[desk].handler);
		return lz_case_evidence_received(l->ctx, c->id, "申请人已补正材料");
	case S_DECIDE: {
		const char *const *why = kinds[types[t].kind].refusals;
		size_t n = 0;
		while (n < 3 && why[n])
			n++;
		as(l, desks[desk].decider);
		return lz_case_decide(l->ctx, c->id, c->refused ? "refused" : "approved",
		                      c->refused ? why[c->seed % n] : NULL);
	}
	case S_APPROVE:
		as(l, desks[desk].approver);
		return lz_case_approve(l->ctx, c->id, true, NULL);
	case S_CLOSE:
		as(l, desks[desk].handler);
		return lz_case_close(l->ctx, c->id, NULL);
	case S_ASK:
		lz_auth_act_as_public(l->ctx);
		if ((error = lz_assistance_ask(&c->assist, l->ctx, c->receipt, c->code,
		                               "办件已超过承诺时限，多次询问无果，请求协调。")) == 0)
			l->sum->assistance++;
		return error;
	case S_ASK_BUREAU:
		if (!c->assist)
			return 0;
		as(l, A_OMBUDSMAN);
		snprintf(note, sizeof(note), "请于十个工作日内办结%s并答复申请人", c->receipt);
		return lz_assistance_ask_bureau(l->ctx, c->assist, note,
		                                lz_calendar_working_days_after(&l->cal, s->at, 10));
	case S_CONCLUDE:
		if (!c->assist)
			return 0;
		as(l, A_OMBUDSMAN);
		if ((error = lz_assistance_conclude(l->ctx, c->assist, "resolved", "局方已办结并答复申请人",
		                                    causes[c->cause])) == 0)
			l->sum->concluded++;
		return error;
	case S_COMPLAIN:
		return act_complain(l, c, s->at);
	case S_C_ASSIGN:
		if (!c->complaint)
			return 0;
		as(l, desks[desk].complaints);
		return lz_complaint_assign(l->ctx, c->complaint, l->pool[desk][0]);
	case S_C_REPLY:
		if (!c->complaint)
			return 0;
		as(l, desks[desk].complaints);
		if ((error = lz_complaint_reply(l->ctx, c->complaint, replies[c->seed % COUNT(replies)])) == 0)
			l->sum->replied++;
		return error;
	case S_C_RATE:
		if (!c->complaint)
			return 0;
		as(l, desks[desk].complaints);
		return lz_complaint_rate(l->ctx, c->complaint, c->satisfaction);
	}
	return 0;
}

/*
 * Replays every planned step in time order, up to the end of the two years. A
 * refusal by the module (a rule the plan did not foresee) drops the rest of that
 * case's acts and is counted in the report; any other failure stops the load.
 */
static int replay(loader *l)
{
	int error;

	l->heap = lz_xmalloc((size_t)l->ncases * sizeof(heap_entry));
	for (int i = 0; i < l->ncases; i++)
		heap_push(l, (heap_entry){l->cases[i].steps[0].at, i});
	while (l->nheap > 0) {
		heap_entry e = heap_pop(l);
		dcase *c = &l->cases[e.item];
		int i = c->next++;

		if (e.at >= l->end)
			continue; /* after the moment of loading: it has not happened yet */
		if ((error = act(l, c, i)) < 0) {
			if (error != LZ_ECONFLICT && error != LZ_EINVALID)
				return error;
			if (!l->sum->skipped++)
				snprintf(l->sum->first_skip, sizeof(l->sum->first_skip), "%.150s",
				         lz_error_last()->message);
			if (c->steps[i].kind <= S_CLOSE)
				c->failed = true;
			else if (c->steps[i].kind >= S_COMPLAIN)
				c->complaint = 0;
			else
				c->assist = 0;
			if (i == 0) {
				lz_error_clear();
				continue;
			}
		}
		lz_error_clear();
		if (c->next < c->nsteps)
			heap_push(l, (heap_entry){c->steps[c->next].at, e.item});
	}
	return 0;
}

/* ---------------------------------------------------------------- setting up */

static const char sql_bureau_id[] = "SELECT id FROM bureau WHERE code = ?";
static const char sql_login[] = "SELECT id, staff_id FROM user_account WHERE login = ?";
static const char sql_free_staff[] = "SELECT s.id FROM staff s JOIN bureau b ON b.id = s.bureau_id "
                                     "WHERE b.code = ? AND s.status = 1 AND s.post <> '局长' "
                                     "AND NOT EXISTS (SELECT 1 FROM user_account u WHERE u.staff_id = s.id) "
                                     "ORDER BY s.id DESC LIMIT 1";
static const char sql_pool[] = "SELECT id FROM staff WHERE bureau_id = ? AND status = 1 ORDER BY id LIMIT 6";

static int find_id(int64_t *out, loader *l, const char *sql, const char *code)
{
	lz_conn *c;
	int error;
	if ((error = lz_ctx_conn(&c, l->ctx)) < 0)
		return error;
	return lz_exec_int(out, c, sql, true, "t", code);
}

/* The accounts of the people who act (see demo_funds.c's make_actors). */
static int make_actors(loader *l)
{
	const lz_app *app = l->ctx->app;
	lz_app cheap = *app;
	lz_stmt *s;
	lz_conn *c;
	int error = 0;

	cheap.pw_cost = LZ_PW_COST_MIN;
	for (int i = 0; i < N_ACTORS && error == 0; i++) {
		if (actors[i].role) {
			uint8_t raw[18];
			char password[40];
			int64_t staff = 0;
			lz_random_fill(app->random, raw, sizeof(raw));
			lz_hex(password, raw, sizeof(raw));
			if ((error = find_id(&staff, l, sql_free_staff, actors[i].bureau_code)) < 0)
				break;
			l->ctx->app = &cheap;
			error = lz_user_add(NULL, l->ctx, actors[i].login, actors[i].role, actors[i].bureau_code,
			                    password, staff);
			l->ctx->app = app;
			sodium_memzero(password, sizeof(password));
			if (error < 0)
				break;
			l->sum->persons++;
		}
		if ((error = lz_ctx_conn(&c, l->ctx)) < 0 || (error = lz_stmt_prepare(&s, c, sql_login)) < 0)
			break;
		if ((error = lz_stmt_bindv(s, "t", actors[i].login)) == 0 && (error = lz_stmt_step(s)) == LZ_ROW) {
			l->user[i] = lz_stmt_int(s, 0);
			l->staff[i] = lz_stmt_int(s, 1);
			error = 0;
		} else if (error >= 0) {
			error = lz_error_set(LZ_ENOTFOUND, NULL, "no demo login %s", actors[i].login);
		}
		lz_stmt_finish(s);
		if (error == 0 && (error = lz_auth_act_as(l->ctx, l->user[i])) == 0)
			l->actor[i] = l->ctx->actor;
		as_system(l);
	}
	sodium_memzero(&cheap, sizeof(cheap));
	return error;
}

static int retire_actors(loader *l)
{
	int error;
	as_system(l);
	for (int i = 0; i < N_ACTORS; i++)
		if (actors[i].role && (error = lz_user_set_active(l->ctx, actors[i].login, false)) < 0)
			return error;
	return 0;
}

static int load_calendar(loader *l)
{
	int32_t from, to;
	char date[11];
	int error;

	for (size_t i = 0; i < COUNT(holidays); i++) {
		if ((error = lz_date_parse(&from, holidays[i].from)) < 0 ||
		    (error = lz_date_parse(&to, holidays[i].to)) < 0)
			return error;
		for (int32_t d = from; d <= to; d++) {
			lz_date_format(date, d);
			if ((error = lz_calendar_set_day(l->ctx, l->national, date, "holiday", holidays[i].name, NULL)) < 0)
				return error;
			l->sum->calendar_days++;
		}
	}
	for (size_t i = 0; i < COUNT(makeup_days); i++) {
		if ((error = lz_calendar_set_day(l->ctx, l->national, makeup_days[i].date, "workday",
		                                 makeup_days[i].name, NULL)) < 0)
			return error;
		l->sum->calendar_days++;
	}
	return 0;
}

static int load_types(loader *l)
{
	int error = 0;

	for (size_t t = 0; t < N_TYPES && error == 0; t++) {
		const int k = types[t].kind;
		json_t *names = json_object(), *materials = json_array();
		lz_case_type_input in = {0};

		for (size_t j = 0; j < N_LANGS; j++)
			json_object_set_new(names, langs[j], json_string(kinds[k].names[j]));
		for (size_t j = 0; j < COUNT(kinds[k].materials) && kinds[k].materials[j] != M_NONE; j++) {
			json_t *texts = json_object();
			for (size_t g = 0; g < N_LANGS; g++)
				json_object_set_new(texts, langs[g],
				                    json_string(material_texts[kinds[k].materials[j]][g]));
			json_array_append_new(materials, texts);
		}
		in.bureau_id = l->desk_bureau[types[t].desk];
		in.code = kinds[k].code;
		in.names = names;
		in.materials = materials;
		in.sla_hours = types[t].sla_hours;
		in.clock_kind = types[t].clock;
		in.approval_levels = types[t].levels;
		in.pauses_on_applicant = types[t].pauses;
		in.active = true;
		error = lz_case_type_create(&l->type_id[t], l->ctx, &in);
		json_decref(names);
		json_decref(materials);
		l->sum->types += error == 0;
	}
	return error;
}

static int load_pools(loader *l)
{
	lz_stmt *s;
	lz_conn *c;
	int error = 0;

	for (int d = 0; d < N_DESKS && error == 0; d++) {
		if ((error = find_id(&l->desk_bureau[d], l, sql_bureau_id, desks[d].code)) < 0 ||
		    (error = lz_ctx_conn(&c, l->ctx)) < 0 || (error = lz_stmt_prepare(&s, c, sql_pool)) < 0)
			break;
		if ((error = lz_stmt_bindv(s, "i", l->desk_bureau[d])) == 0)
			while ((error = lz_stmt_step(s)) == LZ_ROW && l->npool[d] < 6)
				l->pool[d][l->npool[d]++] = lz_stmt_int(s, 0);
		lz_stmt_finish(s);
		if (error > 0)
			error = 0;
	}
	return error < 0 ? error : find_id(&l->national, l, sql_bureau_id, "100000");
}

/* The figures of the report, read back from the store. */
static int count_up(loader *l)
{
	static const char sql_decided[] = "SELECT count(*) FROM service_case WHERE decided_at IS NOT NULL";
	static const char sql_late[] = "SELECT count(*) FROM service_case c JOIN case_type t ON t.id = c.type_id "
	                               "WHERE c.decided_at IS NOT NULL AND c.clock_seconds > t.sla_hours * 3600";
	static const char sql_refused[] = "SELECT count(*) FROM service_case WHERE outcome = 2";
	static const char sql_overdue[] = "SELECT count(*) FROM service_case c JOIN case_type t ON t.id = c.type_id "
	                                  "WHERE c.open = 1 AND ((c.paused = 0 AND c.due_at <= ?) "
	                                  "OR c.clock_used > t.sla_hours * 3600)";
	static const char sql_events[] = "SELECT count(*) FROM case_event";
	static const char sql_systemic[] = "SELECT count(*) FROM systemic_issue";
	lz_conn *c;
	int error;

	if ((error = lz_ctx_conn(&c, l->ctx)) < 0 ||
	    (error = lz_exec_int(&l->sum->decided, c, sql_decided, true, NULL)) < 0 ||
	    (error = lz_exec_int(&l->sum->late, c, sql_late, true, NULL)) < 0 ||
	    (error = lz_exec_int(&l->sum->refused, c, sql_refused, true, NULL)) < 0 ||
	    (error = lz_exec_int(&l->sum->overdue_open, c, sql_overdue, true, "i", l->end)) < 0 ||
	    (error = lz_exec_int(&l->sum->events, c, sql_events, true, NULL)) < 0 ||
	    (error = lz_exec_int(&l->sum->systemic, c, sql_systemic, true, NULL)) < 0)
		return error;
	l->sum->open = l->sum->cases - l->sum->decided;
	return 0;
}

/* ---------------------------------------------------------------- loading */

int lz_demo__cases(lz_demo_cases_summary *out, lz_ctx *ctx, int ncases)
{
	const lz_app *real = ctx->app;
	lz_app sim;
	loader l;
	int error;

	memset(out, 0, sizeof(*out));
	memset(&l, 0, sizeof(l));
	l.ctx = ctx;
	l.system = ctx->actor;
	l.sum = out;
	l.rng.state = 0x6361736573ULL; /* "cases" */
	/* The two years end now: the day grid is local days, so a load on a given day
	 * produces the same data whatever the hour. */
	l.end = lz_ctx_now(ctx);
	l.start = ((int64_t)lz_calendar_local_day(l.end) - 730) * DAY - LZ_CAL_UTC_OFFSET;
	out->ncases_planned = ncases;

	if ((error = make_actors(&l)) < 0)
		goto done;
	if ((error = load_pools(&l)) < 0)
		goto done;

	/* Everything happens at the instants of the plan: the context's clock is ours. */
	sim = *real;
	l.clock.now = lz_fixed_clock_now;
	l.clock.fixed = l.start;
	sim.clock = &l.clock;
	ctx->app = &sim;
	as_system(&l);
	if ((error = lz_tx_begin(ctx, LZ_TX_WRITE)) < 0)
		goto done;
	if ((error = load_calendar(&l)) < 0 || (error = load_types(&l)) < 0 ||
	    (error = lz_calendar_load(&l.cal, ctx, l.desk_bureau[B_TONGLU])) < 0)
		goto rollback;
	l.cases = lz_xmalloc((size_t)(ncases > 0 ? ncases : 1) * sizeof(dcase));
	for (l.ncases = 0; l.ncases < ncases; l.ncases++)
		plan_case(&l, &l.cases[l.ncases]);
	if ((error = replay(&l)) < 0 || (error = count_up(&l)) < 0)
		goto rollback;
	as_system(&l);
	if ((error = lz_tx_commit(ctx)) < 0)
		goto done;
	ctx->app = real;
	error = retire_actors(&l);
	goto done;
rollback:
	as_system(&l);
	lz_tx_rollback(ctx);
done:
	ctx->app = real;
	as_system(&l);
	lz_calendar_dispose(&l.cal);
	free(l.cases);
	free(l.heap);
	return error;
}

void lz_demo__cases_report(FILE *f, const lz_demo_cases_summary *s)
{
	fprintf(f,
	        "Cases: %d types in 5 bureaus, %d calendar days (2025–2026 holidays and make-up days);\n"
	        "  %lld cases over two years (online %d, window %d, phone %d, proxy %d), %lld events;\n"
	        "  %lld decided (%lld late, %lld refused), %lld open of which %lld overdue; %d evidence "
	        "requests; %d scanned pages attached online;\n"
	        "  %d complaints (%d cumbersome procedure, %d repeats, %d replied); %d assistance requests "
	        "(%d concluded), %lld systemic issues.\n",
	        s->types, s->calendar_days, (long long)s->cases, s->channels[0], s->channels[1], s->channels[2],
	        s->channels[3], (long long)s->events, (long long)s->decided, (long long)s->late,
	        (long long)s->refused, (long long)s->open, (long long)s->overdue_open, s->evidence, s->attachments,
	        s->complaints,
	        s->cumbersome, s->repeats, s->replied, s->assistance, s->concluded, (long long)s->systemic);
	if (s->skipped)
		fprintf(f, "  %d planned acts refused by the rules and skipped (the first: %s).\n", s->skipped,
		        s->first_skip);
	fputc('\n', f);
}
