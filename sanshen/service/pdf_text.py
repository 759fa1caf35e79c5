"""The text of each page of a PDF, read within bounds: pages, decoded content and text are limited,
and no external decoder is run."""

from __future__ import annotations

import io

from review.refusals import InvalidInput
from sanshen.service.text_limit import too_much_text

MAX_PAGES = 2000
MAX_CONTENT_BYTES = 200 * 1024 * 1024  # the decoded content streams of all pages together
MAX_STREAM_BYTES = 32 * 1024 * 1024  # one decoded stream
STREAM_LIMITS = {
    f"{name}_maximum_output_length": MAX_STREAM_BYTES
    for name in ("array_based_stream", "jbig2", "lzw", "run_length", "zlib", "brotli")
}


def pdf_pages(label: str, data: bytes, *, max_chars: int) -> list[str]:
    """The text of each page, in order ("" for a page of images only)."""
    import pypdf

    try:
        with pypdf.apply_configuration(jbig2dec_binary=None, **STREAM_LIMITS):
            return _pages(label, pypdf.PdfReader(io.BytesIO(data)), max_chars)
    except InvalidInput:
        raise
    except Exception as exc:  # pypdf answers a damaged file with errors of many kinds
        raise InvalidInput("bad_pdf", f"{label} 不是有效的 PDF 文件（{type(exc).__name__}）") from None


def _pages(label: str, reader, max_chars: int) -> list[str]:
    if reader.is_encrypted and not reader.decrypt(""):
        raise InvalidInput("bad_pdf", f"{label} 已加密，无法读取其中的文字；请去除密码后重新上传")
    if len(reader.pages) > MAX_PAGES:
        raise InvalidInput("pdf_too_large", f"{label} 超过 {MAX_PAGES} 页，无法检查；请拆分后重新上传")
    texts, content, chars = [], 0, 0
    for page in reader.pages:
        stream = page.get_contents()
        content += len(stream.get_data()) if stream is not None else 0
        if content > MAX_CONTENT_BYTES:
            raise InvalidInput("pdf_too_large",
                               f"{label} 的页面内容解压后超过 {MAX_CONTENT_BYTES // (1024 * 1024)} MB，无法检查")
        text = page.extract_text()
        chars += len(text)
        if chars > max_chars:
            raise too_much_text(label, max_chars)
        texts.append(text)
    return texts
