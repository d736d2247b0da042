"""Check digits of bank cards (Luhn), resident ID numbers (ISO 7064 MOD 11-2) and credit codes (GB 32100)."""

from __future__ import annotations

from datetime import date


def luhn_ok(digits: str) -> bool:
    """The Luhn check every Visa, Mastercard, Amex, JCB and most UnionPay card numbers pass."""
    if not digits.isdigit():
        return False
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if i % 2:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def resident_id_ok(number: str) -> bool:
    """An 18-character resident ID number (GB 11643) whose last character is its ISO 7064 MOD 11-2 check."""
    if len(number) != 18 or not number[:17].isdigit():
        return False
    expected = "10X98765432"[sum(int(c) * w for c, w in zip(number[:17], _ID_WEIGHTS, strict=True)) % 11]
    return number[17].upper() == expected


def resident_id_date_ok(number: str) -> bool:
    """The birth date inside an 18-digit (YYYYMMDD at 6) or 15-digit (YYMMDD at 6) ID number is a real date."""
    try:
        if len(number) == 18:
            date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
        elif len(number) == 15:
            date(1900 + int(number[6:8]), int(number[8:10]), int(number[10:12]))
        else:
            return False
    except ValueError:
        return False
    return True


# GB 32100-2015: the 31 characters of a unified social credit code (no I, O, S, V, Z) and the weights 3^i mod 31.
CREDIT_CODE_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_CREDIT_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def credit_code_ok(code: str) -> bool:
    """An 18-character unified social credit code whose last character is its GB 32100 (ISO 7064 MOD 31-3) check."""
    code = code.upper()
    if len(code) != 18 or any(c not in CREDIT_CODE_CHARS for c in code):
        return False
    total = sum(CREDIT_CODE_CHARS.index(c) * w for c, w in zip(code[:17], _CREDIT_WEIGHTS, strict=True))
    return code[17] == CREDIT_CODE_CHARS[(31 - total % 31) % 31]
