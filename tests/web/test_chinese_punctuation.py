"""Chinese UI text uses full-width punctuation: every msgstr of the Chinese catalog that contains Chinese
characters has no half-width , : ; ? ! ( ) next to a Chinese character. Placeholders (%(name)s, {year}),
URLs and numbers (1,000 or 12:30) are left alone, and so are the few strings that quote a literal syntax."""

from __future__ import annotations

import re
from pathlib import Path

from babel.messages.pofile import read_po

PO = Path(__file__).resolve().parents[2] / "src" / "techmarket" / "translations" / "zh_Hans_CN" / "LC_MESSAGES" / \
    "messages.po"
PLACEHOLDER = re.compile(r"%(?:\([^)]*\))?[#0\- +]*(?:\d+|\*)?(?:\.(?:\d+|\*))?[diouxXeEfFgGcrsa%]|\{[a-z_]+\}")
URL = re.compile(r"[a-z]+://\S+")
# Chinese characters and the full-width forms and CJK punctuation written beside them.
HAN = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]")
HALF_WIDTH = ",:;?!()"
# msgids whose translation quotes a syntax to type literally (the ASCII colon is part of the syntax).
LITERAL_SYNTAX = {"Item %(n)d “%(value)s”: write type:number:status, e.g. %(example)s."}


def offences(text: str) -> list[str]:
    plain = URL.sub("URL", PLACEHOLDER.sub("X", text))
    found = []
    for i, ch in enumerate(plain):
        if ch not in HALF_WIDTH:
            continue
        before = plain[:i].rstrip(" ")[-1:]
        after = plain[i + 1:].lstrip(" ")[:1]
        if HAN.match(before) or HAN.match(after):
            found.append(plain[max(0, i - 8):i + 8])
    return found


def test_the_checker_finds_what_it_should():
    assert offences("登记号: %(n)s") and offences("已登记(第二名登记员)") and offences("请确认?")
    assert offences("依据；企业所得税法; 实施条例")
    assert not offences("合同 %(number)s：已登记") and not offences("共 1,000 条，12:30 更新")
    assert not offences("见 https://example.cn/a?b=1，") and not offences("（30 个工作日）")


def test_chinese_translations_use_full_width_punctuation():
    with PO.open("rb") as fh:
        catalog = read_po(fh, locale="zh_Hans_CN")
    bad = {}
    for message in catalog:
        if not message.id or message.id in LITERAL_SYNTAX or (isinstance(message.id, tuple)
                                                               and message.id[0] in LITERAL_SYNTAX):
            continue
        strings = message.string if isinstance(message.string, (list, tuple)) else [message.string or ""]
        for text in strings:
            if re.search(r"[\u4e00-\u9fff]", text) and (found := offences(text)):
                bad[str(message.id)] = found
    assert bad == {}
