"""Text normalisation and word segmentation (jieba, initialised lazily behind a lock)."""

from __future__ import annotations

import re
import threading
import unicodedata

import jieba

# Full-width ASCII letters, digits and the symbols that matter in phone numbers, e-mail
# addresses, plates and amounts become half-width; Chinese punctuation (，。！？：；（）) stays.
_FULL_WIDTH_KEEP = set("，。！？：；（）【】「」“”‘’、")
_HALF_TABLE = {
    code: code - 0xFEE0
    for code in range(0xFF01, 0xFF5F)
    if chr(code) not in _FULL_WIDTH_KEEP
}
_HALF_TABLE[0x3000] = 0x20  # ideographic space
_WS = re.compile(r"\s+")
_CJK_GAP = re.compile(r"(?<=[\u4e00-\u9fff，。！？：；、）])\s+(?=[\u4e00-\u9fff（])")
# Anonymised admin codes of the TipDM data (A市, A3区, K9县) and ordinary ones (西地省).
ADMIN_CODE = re.compile(r"[A-Z][0-9]{0,2}[省市县区镇乡]")
_WORD = re.compile(r"[\u4e00-\u9fffA-Za-z0-9]")

_lock = threading.Lock()
_tokenizer: jieba.Tokenizer | None = None

# Words jieba splits badly in this domain; kept whole so place and problem words survive.
DOMAIN_WORDS = (
    "搅拌站", "油烟", "扰民", "噪音", "高压线", "车贷", "物业", "业主", "开发商", "小区",
    "捆绑销售", "违建", "违章建筑", "拖欠工资", "集资诈骗", "普惠性", "幼儿园", "学位",
    "入学", "拆迁", "安置房", "公积金", "社保", "医保", "地铁",
)


def to_half_width(text: str) -> str:
    """Convert full-width ASCII letters, digits and symbols to half-width."""
    return text.translate(_HALF_TABLE)


def normalize(text: str | None) -> str:
    """Strip, fold full-width ASCII to half-width and collapse whitespace and newlines."""
    if not text:
        return ""
    text = unicodedata.normalize("NFC", text)
    text = to_half_width(text)
    text = _WS.sub(" ", text).strip()
    return _CJK_GAP.sub("", text)


def tokenizer() -> jieba.Tokenizer:
    """Return the shared jieba tokenizer, initialising it on first use."""
    global _tokenizer
    if _tokenizer is None:
        with _lock:
            if _tokenizer is None:
                jieba.setLogLevel(60)
                tok = jieba.Tokenizer()
                tok.initialize()
                for word in DOMAIN_WORDS:
                    tok.add_word(word, freq=200_000)
                _tokenizer = tok
    return _tokenizer


def segment(text: str, hmm: bool = True) -> list[str]:
    """Segment normalised text into words, keeping admin codes like A3区 whole."""
    tok = tokenizer()
    words: list[str] = []
    pos = 0
    for match in ADMIN_CODE.finditer(text):
        words.extend(tok.lcut(text[pos:match.start()], HMM=hmm))
        words.append(match.group())
        pos = match.end()
    words.extend(tok.lcut(text[pos:], HMM=hmm))
    return [w for w in (w.strip() for w in words) if w]


def is_wordlike(token: str) -> bool:
    """True when the token has at least one CJK character, letter or digit."""
    return bool(_WORD.search(token))
