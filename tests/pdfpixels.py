"""What a PDF looks like on screen: its pages rendered by PDFium (pypdfium2), independent of guidebuilder."""

from __future__ import annotations

from pathlib import Path


def coloured_pixels(path: Path, scale: float = 1.0, tolerance: int = 2) -> int:
    """Pixels whose red, green and blue differ by more than tolerance (of 255), over every page at 72 × scale dpi."""
    import pypdfium2 as pdfium

    count = 0
    document = pdfium.PdfDocument(str(path))
    for page in document:
        data = page.render(scale=scale).to_pil().convert("RGB").tobytes()  # r, g, b, r, g, b, ...
        count += sum(1 for i in range(0, len(data), 3) if max(data[i:i + 3]) - min(data[i:i + 3]) > tolerance)
    return count
