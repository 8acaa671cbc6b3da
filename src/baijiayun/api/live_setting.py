"""Live settings API: ``/openapi/live_setting/*`` — account-wide classroom settings.

Watermark and marquee ("horse lamp"), sensitive words, the maximum number of
red packages, and the templates rooms are given: notices (assigned with
``client.notice``) and quizzes (assigned with ``client.quiz``).

``product_type`` chooses the product line a setting applies to (see
:class:`ProductLine`); accounts with a single product line leave it unset.
"""

from __future__ import annotations

import enum
import os
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Annotated, Any

from .._group import Group, ModeT, endpoint
from .._params import PAGING_20, Extensions, File, Flag, Ids, Int, Page, PageSize, Str
from .._wire import (
    CSV,
    STR,
    ClientOnly,
    Context,
    HttpUrl,
    Invalid,
    Kind,
    NonEmpty,
    OneOf,
    Range,
    Rule,
)
from ..models.live_setting import HorseLamp, SensitiveWords, Watermark
from ..models.notice import NoticeCreated, NoticeList
from ..models.quiz import QuizCreated, QuizList

__all__ = [
    "QUIZ_TYPES",
    "WATERMARK_MAX_BYTES",
    "HorseLampType",
    "LiveSetting",
    "ProductLine",
    "WatermarkPos",
]


# ------------------------------------------------------------------- kinds and rules of settings
class _Number(Kind):
    """A decimal number sent as text (``0.5``); ints, floats, ``Decimal`` or numeric text."""

    name = "number"

    def coerce(self, value: Any, ctx: Context) -> Any:
        if isinstance(value, bool):
            raise Invalid("must be a number, not a boolean")
        if isinstance(value, (int, float, Decimal)):
            number = Decimal(str(value))
        elif isinstance(value, str):
            number = _decimal(value)
        else:
            raise Invalid("must be a number")
        if not number.is_finite():
            raise Invalid("must be a finite number")
        return format(number.normalize(), "f") if number != 0 else "0"

    def parse(self, text: str) -> Any:
        number = _decimal(text)
        if not number.is_finite():
            raise Invalid("must be a finite number")
        return text


def _decimal(text: str) -> Decimal:
    try:
        return Decimal(text.strip())
    except InvalidOperation:
        raise Invalid("must be a number") from None


NUMBER: Kind = _Number()


@dataclass(frozen=True)
class NumberRange(Rule):
    """A decimal number (as text) between ``lo`` and ``hi``."""

    lo: float
    hi: float

    def check(self, value: Any) -> str | None:
        try:
            number = Decimal(str(value))
        except InvalidOperation:
            return self.describe()
        return None if Decimal(str(self.lo)) <= number <= Decimal(str(self.hi)) else self.describe()

    def describe(self) -> str:
        return f"must be between {self.lo:g} and {self.hi:g}"


@dataclass(frozen=True)
class NoComma(Rule):
    """No item of a comma-joined list may itself contain a comma (it would be split)."""

    def check(self, value: Any) -> str | None:
        items = value if isinstance(value, list) else [value]
        if not items or any(not str(item).strip() for item in items):
            return "items must not be empty"
        if any("," in str(item) for item in items):
            return "an item may not contain a comma (the list is sent comma-joined)"
        return None

    def describe(self) -> str:
        return "non-empty items, without commas"


def file_size(value: Any) -> int | None:
    """The size in bytes of a file value, when it can be known without reading it."""
    if isinstance(value, (str, os.PathLike)):
        return os.path.getsize(os.fspath(value))
    if isinstance(value, (bytes, bytearray)):
        return len(value)
    if isinstance(value, tuple) and len(value) >= 2:
        return file_size(value[1])
    seekable = getattr(value, "seekable", None)
    if callable(seekable) and seekable():  # sent whole, from its start: measure it whole
        position = value.tell()
        end = value.seek(0, os.SEEK_END)
        value.seek(position)
        return int(end)
    return None


@dataclass(frozen=True)
class MaxFileSize(Rule):
    """The uploaded file is at most ``n`` bytes (checked when its size is known)."""

    n: int

    def check(self, value: Any) -> str | None:
        size = file_size(value)
        return self.describe() if size is not None and size > self.n else None

    def describe(self) -> str:
        return f"at most {self.n // 1024} KB" if self.n < 1 << 20 else f"at most {self.n >> 20} MB"


Number = Annotated[float | int | Decimal | str, NUMBER]


TextList = Annotated[list[str] | tuple[str, ...] | str, CSV(STR), ClientOnly(NoComma())]
"""Text items sent comma-joined (a list, or comma text); an item may not hold a comma."""


# --------------------------------------------------------------------------- the group
class ProductLine(enum.IntEnum):
    """``product_type`` of the settings, notice and quiz endpoints."""

    DEFAULT = 0
    """The account's only product line (what the earlier SDK sent by default)."""
    LARGE_CLASS = 1
    SMALL_CLASS = 2
    DUAL_TEACHER = 3
    ENTERPRISE = 4


class WatermarkPos(enum.IntEnum):
    """``pos`` of ``set_watermark``: the corner the watermark sits in."""

    OFF = 0
    TOP_LEFT = 1
    TOP_RIGHT = 2
    BOTTOM_RIGHT = 3
    BOTTOM_LEFT = 4


class HorseLampType(enum.IntEnum):
    """``type`` of ``set_live_horse_lamp``: what the marquee shows."""

    OFF = 0
    FIXED = 1
    """The fixed text ``value``."""
    NICKNAME = 2
    """Each viewer's own nickname."""


_COLOR_RE = re.compile(r"#[0-9A-Fa-f]{6}\Z")


@dataclass(frozen=True)
class HexColor(Rule):
    """A colour as ``#RRGGBB``."""

    def check(self, value: Any) -> str | None:
        return None if isinstance(value, str) and _COLOR_RE.match(value) else self.describe()

    def describe(self) -> str:
        return "must be a #RRGGBB colour"


WATERMARK_MAX_BYTES = 1 << 20
"""The platform's limit on a watermark image (1 MB)."""
QUIZ_TYPES = (".xls", ".xlsx")
"""A quiz template is an Excel sheet."""

Product = ProductLine | int
Color = Annotated[Str, ClientOnly(HexColor())]
FontSize = Annotated[Int, ClientOnly(Range(1))]
Opacity = Annotated[Number, ClientOnly(NumberRange(0, 1))]
WatermarkImage = Annotated[File, MaxFileSize(WATERMARK_MAX_BYTES)]
QuizSheet = Annotated[File, Extensions(QUIZ_TYPES)]
MaxCount = Annotated[Int, Range(None, 1000), ClientOnly(Range(0))]
Words = Annotated[TextList, ClientOnly(NonEmpty())]
QuizId = Annotated[Int, Range(1)]
Link = Annotated[Str, ClientOnly(HttpUrl(allow_empty=True))]
PAGING = PAGING_20


class LiveSetting(Group[ModeT], name="live_setting"):
    """Account-wide classroom settings and the notice and quiz templates."""

    @endpoint("setWatermark")
    def set_watermark(
        self,
        pos: WatermarkPos | int,
        attachment: WatermarkImage | None = None,
        product_type: Product | None = None,
    ) -> None:
        """Set the watermark: its corner (``pos``, 0 turns it off) and image (at most 1 MB).

        ``attachment`` is a path, bytes, a binary file object or ``(name, content)``,
        uploaded as a file (not signed).
        """

    @endpoint("getWatermark", safe=True)
    def get_watermark(self, product_type: Product | None = None) -> Watermark:
        """The watermark's corner and image."""

    @endpoint("getSensitiveWord", safe=True, paging=PAGING)
    def get_sensitive_word(
        self,
        page: Page | None = None,
        page_size: PageSize | None = None,
        product_type: Product | None = None,
    ) -> SensitiveWords:
        """One page of the sensitive words (page from 1; platform default 20 a page)."""

    @endpoint("addSensitiveWordBatch")
    def add_sensitive_word_batch(self, words: Words, product_type: Product | None = None) -> None:
        """Add sensitive words: a list (or comma text); chat messages holding one are blocked."""

    @endpoint("deleteSensitiveWordBatch")
    def delete_sensitive_word_batch(self, ids: Ids, product_type: Product | None = None) -> None:
        """Delete sensitive words by id (a list or comma text)."""

    @endpoint("getLiveHorseLamp", safe=True)
    def get_live_horse_lamp(self, product_type: Product | None = None) -> HorseLamp:
        """The marquee settings."""

    @endpoint("setLiveHorseLamp")
    def set_live_horse_lamp(
        self,
        product_type: Product | None = None,
        type: HorseLampType | int | None = None,
        value: Str | None = None,
        color: Color | None = None,
        font_size: FontSize | None = None,
        opacity: Opacity | None = None,
    ) -> None:
        """Change the marquee: ``type`` 0 off, 1 the fixed text ``value``, 2 the viewer's
        nickname; ``color`` as ``#RRGGBB``, ``font_size`` in pixels, ``opacity`` 0–1.
        Only the settings given change."""

    @endpoint("addNotice")
    def add_notice(
        self, content: Str, link: Link, product_type: Product | None = None
    ) -> NoticeCreated:
        """Add a notice template (text and a link, which may be empty); returns its id."""

    @endpoint("getNoticeList", safe=True, paging=PAGING)
    def get_notice_list(
        self,
        page: Page | None = None,
        page_size: PageSize | None = None,
        query: Str | None = None,
        product_type: Product | None = None,
    ) -> NoticeList:
        """One page of the notice templates; ``query`` keeps those whose text contains it."""

    @endpoint("deleteNoticeBatch")
    def delete_notice_batch(self, ids: Ids, product_type: Product | None = None) -> None:
        """Delete notice templates by id (a list or comma text)."""

    @endpoint("addQuiz")
    def add_quiz(
        self,
        attachment: QuizSheet,
        is_force: Annotated[Flag, ClientOnly(OneOf((0, 1)))] | None = None,
        product_type: Product | None = None,
    ) -> QuizCreated:
        """Add a quiz template from an Excel sheet (.xls/.xlsx); returns its id.

        ``is_force=1``: students must take it. The sheet is uploaded as a file
        (a path, a file object or ``(name, content)``; not signed).
        """

    @endpoint("getQuizList", safe=True, paging=PAGING)
    def get_quiz_list(
        self,
        page: Page | None = None,
        page_size: PageSize | None = None,
        query: Str | None = None,
        product_type: Product | None = None,
    ) -> QuizList:
        """One page of the quiz templates; ``query`` keeps those whose name contains it."""

    @endpoint("deleteQuiz")
    def delete_quiz(self, id: QuizId, product_type: Product | None = None) -> None:
        """Delete a quiz template."""

    @endpoint("setMaxRedPackageCount")
    def set_max_red_package_count(
        self, max_count: MaxCount, product_type: Product | None = None
    ) -> None:
        """Set how many red packages a class may hand out (at most 1000)."""

    @endpoint("getMaxRedPackageCount", safe=True, unwrap="max_count")
    def get_max_red_package_count(self, product_type: Product | None = None) -> int:
        """How many red packages a class may hand out."""

    # ---- every page, one in memory at a time
    iter_sensitive_words = get_sensitive_word.pages()
    iter_notices = get_notice_list.pages()
    iter_quizzes = get_quiz_list.pages()
