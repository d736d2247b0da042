"""`python -m assistant anonymize [FILE | -]`: read a UTF-8 text and print it with identifiers replaced."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from assistant.errors import BadInput


def _read_input(file: str) -> str:
    if file in ("-", "", None):
        data, where = sys.stdin.buffer.read(), "standard input"
    else:
        path = Path(file)
        where = str(path)
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            raise BadInput("文件不存在 file not found", where=where) from None
        except IsADirectoryError:
            raise BadInput("这是一个目录，不是文本文件 is a directory, not a text file", where=where) from None
        except OSError as exc:
            raise BadInput(f"无法读取 cannot read ({exc.strerror or exc})", where=where) from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise BadInput(f"不是 UTF-8 文本 not UTF-8 text (byte {exc.start})", where=where) from None


def run_cli(args: Any) -> int:
    """`python -m assistant anonymize [FILE | -]`: print the text with identifiers replaced."""
    from assistant.anonymize.engine import Anonymizer

    text = _read_input(getattr(args, "file", "-") or "-")
    sys.stdout.write(Anonymizer().anonymize(text))
    sys.stdout.flush()
    return 0
