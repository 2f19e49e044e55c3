"""Unified social credit code (统一社会信用代码, GB 32100-2015), per POLICY.md §4. Pure."""

from __future__ import annotations

from dataclasses import dataclass

CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
FORBIDDEN = set("IOSVZ")
LENGTH = 18


@dataclass(frozen=True)
class CodeCheck:
    code: str  # normalised (upper case, no spaces)
    valid: bool
    problem: str | None  # "length" | "characters" | "check" | None
    detail_en: str
    detail_zh: str
    expected_check: str | None = None

    @property
    def overridable(self) -> bool:
        """Only a wrong check character may be accepted by the operator (some early real codes)."""
        return self.problem == "check"

    @property
    def division_code(self) -> str | None:
        return self.code[2:8] if len(self.code) == LENGTH else None


def normalise(raw: str) -> str:
    return "".join(raw.split()).upper().replace("\u3000", "")


def check_character(first17: str) -> str:
    total = sum(CHARSET.index(ch) * pow(3, i, 31) for i, ch in enumerate(first17))
    return CHARSET[(31 - total % 31) % 31]


def check(raw: str) -> CodeCheck:
    code = normalise(raw)
    if len(code) != LENGTH:
        return CodeCheck(code, False, "length",
                         f"must be {LENGTH} characters, not {len(code)}",
                         f"应为 {LENGTH} 位，实际为 {len(code)} 位")
    bad = sorted({ch for ch in code if ch not in CHARSET})
    if bad:
        shown = " ".join(bad)
        forbidden = [ch for ch in bad if ch in FORBIDDEN]
        extra_en = " (I, O, S, V and Z are never used)" if forbidden else ""
        extra_zh = "（代码不使用 I、O、S、V、Z）" if forbidden else ""
        return CodeCheck(code, False, "characters", f"contains characters not allowed: {shown}{extra_en}",
                         f"含有不允许的字符：{shown}{extra_zh}")
    expected = check_character(code[:17])
    if code[17] != expected:
        return CodeCheck(code, False, "check",
                         f"check character is {code[17]} but should be {expected}",
                         f"校验位为 {code[17]}，应为 {expected}", expected_check=expected)
    return CodeCheck(code, True, None, "valid", "有效")
