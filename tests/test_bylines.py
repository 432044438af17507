"""Tests of crawler.bylines: byline parsing and lead prefix stripping."""

import unicodedata

import pytest

from crawler.bylines import Byline, parse_byline, strip_lead_prefix


@pytest.mark.parametrize(
    ("text", "authors", "source"),
    [
        # The examples the parser was specified with.
        ("Hà Phong - Nguyệt Ánh|", ("Hà Phong", "Nguyệt Ánh"), None),
        ("Hà Phong - Nguyệt Ánh| 10/12/2020 12:16", ("Hà Phong", "Nguyệt Ánh"), None),
        ("Bài và ảnh: Minh Phương", ("Minh Phương",), None),
        ("Thu Hằng, Việt Thành", ("Thu Hằng", "Việt Thành"), None),
        ("Nhóm PV", (), None),
        ("Hà Thu (tổng hợp)", ("Hà Thu",), None),
        ("Theo TTXVN", (), "TTXVN"),
        ("Minh Anh (theo Reuters)", ("Minh Anh",), "Reuters"),
        ("Trần Ngọc Quyên", ("Trần Ngọc Quyên",), None),
        ("Bài: Thanh Hà - Ảnh: Quang Thái", ("Thanh Hà", "Quang Thái"), None),
        ("Ngọc Tú/TTXVN", ("Ngọc Tú",), "TTXVN"),
        ("Lê Hưng và Mai Lan", ("Lê Hưng", "Mai Lan"), None),
        ("", (), None),
        (None, (), None),
    ],
)
def test_specified_examples(text: str | None, authors: tuple[str, ...], source: str | None) -> None:
    assert parse_byline(text) == Byline(authors, source)


@pytest.mark.parametrize(
    ("text", "authors"),
    [
        ("Hà Phong – Nguyệt Ánh", ("Hà Phong", "Nguyệt Ánh")),
        ("Hà Phong — Nguyệt Ánh", ("Hà Phong", "Nguyệt Ánh")),
        ("Hà Phong; Nguyệt Ánh", ("Hà Phong", "Nguyệt Ánh")),
        ("Hà Phong & Nguyệt Ánh", ("Hà Phong", "Nguyệt Ánh")),
        ("Hà Phong / Nguyệt Ánh", ("Hà Phong", "Nguyệt Ánh")),
        ("Hà Phong/Nguyệt Ánh", ("Hà Phong", "Nguyệt Ánh")),
        ("Hà Phong,Nguyệt Ánh", ("Hà Phong", "Nguyệt Ánh")),
        (
            "Thanh Hà, Quang Thái và Hồng Nhung",
            ("Thanh Hà", "Quang Thái", "Hồng Nhung"),
        ),
        # A hyphen inside a word is not a separator.
        ("Hà-Phong", ("Hà-Phong",)),
    ],
)
def test_separators(text: str, authors: tuple[str, ...]) -> None:
    assert parse_byline(text).authors == authors


@pytest.mark.parametrize(
    "text",
    [
        "Bài và ảnh: Minh Phương",
        "Bài, ảnh: Minh Phương",
        "Bài & ảnh: Minh Phương",
        "BÀI VÀ ẢNH: Minh Phương",
        "Bài: Minh Phương",
        "Ảnh: Minh Phương",
        "ảnh : Minh Phương",
        "Video: Minh Phương",
        "Clip: Minh Phương",
        "Đồ họa: Minh Phương",
        "Thực hiện: Minh Phương",
        "Nhóm thực hiện: Minh Phương",
        "Tác giả: Minh Phương",
        "Phóng viên: Minh Phương",
        "PV: Minh Phương",
        "Biên tập: Minh Phương",
        "Người viết: Minh Phương",
        "Minh Phương (tổng hợp)",
        "Minh Phương (TH)",
        "Minh Phương (t/h)",
        "Minh Phương (lược dịch)",
        "Minh Phương (ảnh)",
        "Minh Phương (CTV)",
        "Minh Phương tổng hợp",
        "Minh Phương t/h",
        "Minh Phương.",
        "  Minh   Phương  ",
    ],
)
def test_roles_are_not_names(text: str) -> None:
    assert parse_byline(text) == Byline(("Minh Phương",), None)


def test_several_roles() -> None:
    byline = parse_byline("Bài: Thanh Hà; Ảnh: Quang Thái; Đồ họa: Hồng Nhung")
    assert byline.authors == ("Thanh Hà", "Quang Thái", "Hồng Nhung")


@pytest.mark.parametrize(
    "text",
    [
        "Nhóm PV",
        "nhóm pv",
        "Nhóm phóng viên",
        "PV",
        "P.V",
        "Nhóm PV Thời sự",
        "CTV",
        "BTV",
        "Phóng viên",
        "Ban Biên tập",
        "PV - CTV",
    ],
)
def test_group_credits_are_not_names(text: str) -> None:
    assert parse_byline(text) == Byline((), None)


def test_group_credit_beside_a_name() -> None:
    assert parse_byline("Hà Phong - Nhóm PV").authors == ("Hà Phong",)


@pytest.mark.parametrize(
    ("text", "authors", "source"),
    [
        ("Theo VnExpress", (), "VnExpress"),
        ("theo Reuters", (), "Reuters"),
        ("Nguồn: Reuters", (), "Reuters"),
        ("Nguồn ảnh: Internet", (), "Internet"),
        ("TTXVN", (), "TTXVN"),
        ("(TTXVN)", (), "TTXVN"),
        ("Theo Báo Nhân Dân", (), "Báo Nhân Dân"),
        ("Báo Nhân Dân", (), "Báo Nhân Dân"),
        ("Theo Sức khỏe và Đời sống", (), "Sức khỏe và Đời sống"),
        ("Xinhua", (), "Xinhua"),
        ("Tân Hoa Xã", (), "Tân Hoa Xã"),
        ("Vietnam+", (), "Vietnam+"),
        ("VOV", (), "VOV"),
        ("Minh Anh (TTXVN)", ("Minh Anh",), "TTXVN"),
        ("Minh Anh (Theo Reuters)", ("Minh Anh",), "Reuters"),
        ("Minh Anh (theo Reuters, AFP)", ("Minh Anh",), "Reuters, AFP"),
        ("Minh Anh - Theo TTXVN", ("Minh Anh",), "TTXVN"),
        ("Minh Anh/Theo TTXVN", ("Minh Anh",), "TTXVN"),
        ("Minh Anh (tổng hợp) - Theo Bloomberg", ("Minh Anh",), "Bloomberg"),
        ("Theo Reuters, AFP", (), "Reuters, AFP"),
        ("Ngọc Tú/HNM", ("Ngọc Tú",), "HNM"),
        ("Ngọc Tú/ANTĐ", ("Ngọc Tú",), "ANTĐ"),
        ("Ngọc Tú/Vietnam+", ("Ngọc Tú",), "Vietnam+"),
        ("Ngọc Tú - Minh Anh/TTXVN", ("Ngọc Tú", "Minh Anh"), "TTXVN"),
        ("Video: VTV", (), "VTV"),
        ("Theo TTXVN, TTXVN", (), "TTXVN"),
    ],
)
def test_sources(text: str, authors: tuple[str, ...], source: str | None) -> None:
    assert parse_byline(text) == Byline(authors, source)


@pytest.mark.parametrize(
    ("text", "authors"),
    [
        ("Hà Phong 0912345678", ()),
        ("Hà Phong - haphong@hanoimoi.vn", ("Hà Phong",)),
        ("Hà Phong - https://hanoimoi.vn/tac-gia/ha-phong", ("Hà Phong",)),
        ("Xem thêm tại www.hanoimoi.vn/abc", ()),
        ("Một Hai Ba Bốn Năm Sáu Bảy", ()),
        ("tổng hợp", ()),
        ("bài viết của bạn đọc", ()),
        ("Hà Phong (Hà Nội)", ("Hà Phong",)),
        ("H.P", ("H.P",)),
        ("N.A.", ("N.A.",)),
        ("Hà Phong, Hà Phong", ("Hà Phong",)),
        ("Hà Phong - Nguyệt Ánh - Hà Phong", ("Hà Phong", "Nguyệt Ánh")),
        ("HÀ PHONG - NGUYỆT ÁNH", ("HÀ PHONG", "NGUYỆT ÁNH")),
        ("Hà Phong, 10/12/2020", ("Hà Phong",)),
        ("Hà Phong - Thứ năm, 10/12/2020 12:16", ("Hà Phong",)),
        ("Hà Phong 14:17", ("Hà Phong",)),
        ("Hà Phong| Cập nhật 10/12/2020", ("Hà Phong",)),
        ("“Hà Phong”", ("Hà Phong",)),
    ],
)
def test_non_names_dropped(text: str, authors: tuple[str, ...]) -> None:
    assert parse_byline(text).authors == authors


def test_names_are_nfc_and_whitespace_collapsed() -> None:
    decomposed = unicodedata.normalize("NFD", "Nguyệt\u00a0\u00a0Ánh\u200b")
    (name,) = parse_byline(decomposed).authors
    assert name == "Nguyệt Ánh"
    assert unicodedata.is_normalized("NFC", name)


def test_byline_is_frozen() -> None:
    byline = parse_byline("Hà Phong")
    with pytest.raises(AttributeError):
        byline.source = "x"  # type: ignore[misc]


@pytest.mark.parametrize(
    ("lead", "prefixes", "expected"),
    [
        (
            "(NSHN) - Sáng 10-12, Ban...",
            ["(NSHN)"],
            ("Sáng 10-12, Ban...", "(NSHN)"),
        ),
        ("(NSHN) - Sáng 10-12, Ban...", [], ("Sáng 10-12, Ban...", "(NSHN)")),
        (
            "Kinhtedothi - Sáng nay...",
            ["Kinhtedothi"],
            ("Sáng nay...", "Kinhtedothi"),
        ),
        ("(HNM) – Chiều 5-3", [], ("Chiều 5-3", "(HNM)")),
        ("(HNMO)—Chiều 5-3", [], ("Chiều 5-3", "(HNMO)")),
        ("Sáng 10-12", ["(NSHN)", "Kinhtedothi"], ("Sáng 10-12", None)),
        ("TPO - Chiều nay", ["TPO"], ("Chiều nay", "TPO")),
        ("TPO: Chiều nay", ["TPO"], ("Chiều nay", "TPO")),
        ("TPO – Chiều nay", ["TPO"], ("Chiều nay", "TPO")),
        ("KINHTEDOTHI - Sáng", ["Kinhtedothi"], ("Sáng", "KINHTEDOTHI")),
        ("  (NHN) - Sáng", [], ("Sáng", "(NHN)")),
        ("(NHN) Sáng nay", ["(NHN)"], ("Sáng nay", "(NHN)")),
        ("(Dân trí) - Sáng nay", [], ("Sáng nay", "(Dân trí)")),
        ("(ANTĐ) - Sáng nay", [], ("Sáng nay", "(ANTĐ)")),
        ("(LĐTĐ) – Sáng nay", [], ("Sáng nay", "(LĐTĐ)")),
        # A word prefix needs its separator, and must be the whole word.
        ("TPO Chiều nay", ["TPO"], ("TPO Chiều nay", None)),
        ("TPOS - Chiều nay", ["TPO"], ("TPOS - Chiều nay", None)),
        ("Kinhtedothi là báo", ["Kinhtedothi"], ("Kinhtedothi là báo", None)),
        # Brackets that are not an outlet tag at the start stay.
        ("(0) Bình luận", [], ("(0) Bình luận", None)),
        ("(0) - Bình luận", [], ("(0) - Bình luận", None)),
        ("(Ảnh minh họa) Sáng nay", [], ("(Ảnh minh họa) Sáng nay", None)),
        ("Sáng nay (HNM) - UBND", [], ("Sáng nay (HNM) - UBND", None)),
        (
            "(Đây là một chú thích rất dài không phải tên báo) - Sáng",
            [],
            ("(Đây là một chú thích rất dài không phải tên báo) - Sáng", None),
        ),
        ("", [], ("", None)),
    ],
)
def test_strip_lead_prefix(
    lead: str, prefixes: list[str], expected: tuple[str, str | None]
) -> None:
    assert strip_lead_prefix(lead, prefixes) == expected


def test_longest_given_prefix_wins() -> None:
    assert strip_lead_prefix("KTĐT Online - Sáng", ["KTĐT", "KTĐT Online"]) == (
        "Sáng",
        "KTĐT Online",
    )
