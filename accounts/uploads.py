"""Checking uploaded evidence files: screenshots (PNG, JPEG, WebP) and PDFs of a channel's page.

One entry point, ``checked_upload``, used by every app that stores evidence (start-page
screenshots, removed posts, consent documents). It decides the type by content, never by the
file name, and returns the bytes to store:

1. Read at most MAX_UPLOAD_BYTES + 1 bytes; anything longer is refused.
2. Recognise the type by its magic bytes; anything else (SVG, HTML, GIF, text) is refused.
3. Images: read the header, refuse more than MAX_PIXELS *before* decoding, decode fully (a damaged
   or truncated file fails here), and re-encode to the same format. Only pixels survive: no EXIF
   (GPS), ICC, XMP, comments, text chunks or data appended after the image.
4. PDFs: kept byte for byte, but only if pypdf parses them strictly (a damaged PDF is refused),
   they are not encrypted, and no object, in object streams too, carries active content
   (JavaScript, launch or submit actions, an /OpenAction that is an action, additional actions,
   embedded files, RichMedia, XFA), so that what is stored can be opened safely. The work is
   bounded (pages, objects, bytes inflated), so a PDF bomb is refused, not followed. The check
   walks pypdf's parsed objects instead of searching the bytes: a byte search can be fooled by
   text that looks like PDF syntax, such as a string "(stream)" before an action.

Every refusal is a django.core.exceptions.ValidationError with a message for the uploader, so a
form shows it as it is; ``code`` says which check failed.
"""

import contextlib
import dataclasses
import hashlib
import io
import warnings

import pypdf
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageFile, ImageOps

MAX_UPLOAD_BYTES = 10 * 1024 * 1024
MAX_PIXELS = 40_000_000

# Accept-list for the <input type="file"> and the documentation; the check itself is by content.
IMAGE_CONTENT_TYPES = ("image/png", "image/jpeg", "image/webp")
PDF_CONTENT_TYPE = "application/pdf"

MESSAGES = {
    "empty": _("The file is empty."),
    "too_large": _("The file is larger than 10 MB."),
    "type": _("Upload a PNG, JPEG or WebP image, or a PDF."),
    "type_image": _("Upload a PNG, JPEG or WebP image."),
    "pixels": _("The image has more than 40 megapixels. Upload a smaller screenshot."),
    "damaged": _("The image is damaged or incomplete."),
    "animated": _("Animated images cannot be accepted. Upload a still screenshot."),
    "pdf_damaged": _("The PDF is damaged or incomplete."),
    "pdf_active": _("The PDF contains active content and cannot be accepted."),
    "pdf_encrypted": _("The PDF is encrypted or password-protected and cannot be accepted."),
    "pdf_unchecked": _("The PDF could not be checked for active content and cannot be accepted."),
}


@dataclasses.dataclass(frozen=True)
class CheckedFile:
    """A file that passed checked_upload: the bytes to store and what is known about them."""

    content: bytes = dataclasses.field(repr=False)
    content_type: str
    extension: str
    size: int
    width: int | None
    height: int | None
    sha256: str

    @property
    def filename(self) -> str:
        """A storage name derived from the content only; the uploader's name is never used."""
        return f"{self.sha256}.{self.extension}"

    @property
    def is_image(self) -> bool:
        return self.width is not None


@dataclasses.dataclass(frozen=True)
class _Format:
    pillow: frozenset[str]  # Image.format values the magic bytes allow (MPO is a multi-picture JPEG)
    save_as: str  # the Pillow format it is re-encoded to
    content_type: str
    extension: str


PNG = _Format(frozenset({"PNG"}), "PNG", "image/png", "png")
JPEG = _Format(frozenset({"JPEG", "MPO"}), "JPEG", "image/jpeg", "jpg")
WEBP = _Format(frozenset({"WEBP"}), "WEBP", "image/webp", "webp")
# Encoder options: PNG is lossless; screenshots survive quality 90 with no visible loss.
_SAVE_OPTIONS = {"PNG": {"optimize": True}, "JPEG": {"quality": 90}, "WEBP": {"quality": 90}}


def _refuse(code: str) -> ValidationError:
    return ValidationError(MESSAGES[code], code=code)


def _sniff(head: bytes) -> _Format | str | None:
    """The format the first bytes announce: an image _Format, "pdf", or None for anything else."""
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return WEBP
    if head.startswith(b"%PDF-"):
        return "pdf"
    return None


def _read(uploaded_file) -> bytes:
    """The whole file, or a refusal if it is longer than MAX_UPLOAD_BYTES (read no further than that)."""
    size = getattr(uploaded_file, "size", None)
    if size is not None and size > MAX_UPLOAD_BYTES:
        raise _refuse("too_large")
    # A form may have read the file already; a stream that cannot rewind (io.UnsupportedOperation
    # is an OSError) is read from where it is.
    with contextlib.suppress(AttributeError, OSError):
        uploaded_file.seek(0)
    chunks, total = [], 0
    # read(n) may return fewer bytes than asked (streams), so loop until EOF or one byte too many.
    while total <= MAX_UPLOAD_BYTES:
        chunk = uploaded_file.read(MAX_UPLOAD_BYTES + 1 - total)
        if not chunk:
            break
        chunks.append(chunk)
        total += len(chunk)
    if total > MAX_UPLOAD_BYTES:
        raise _refuse("too_large")
    if total == 0:
        raise _refuse("empty")
    return b"".join(chunks)


def checked_upload(uploaded_file, *, allow_pdf: bool = True) -> CheckedFile:
    """Check an uploaded file and return what may be stored, or raise ValidationError.

    ``uploaded_file`` is a Django UploadedFile or any binary file object. Images come back
    re-encoded without metadata; PDFs come back unchanged. The SHA-256 is of the returned bytes.
    """
    data = _read(uploaded_file)
    kind = _sniff(data[:16])
    if kind is None or (kind == "pdf" and not allow_pdf):
        raise _refuse("type" if allow_pdf else "type_image")
    if kind == "pdf":
        _check_pdf(data)
        content, width, height = data, None, None
        content_type, extension = PDF_CONTENT_TYPE, "pdf"
    else:
        content, width, height = _reencode(data, kind)
        content_type, extension = kind.content_type, kind.extension
    return CheckedFile(
        content=content,
        content_type=content_type,
        extension=extension,
        size=len(content),
        width=width,
        height=height,
        sha256=hashlib.sha256(content).hexdigest(),
    )


# Images

# Modes each format can store as they are; anything else is converted first.
_KEEP_MODES = {
    "PNG": {"1", "L", "LA", "P", "RGB", "RGBA", "I;16"},
    "JPEG": {"L", "RGB"},
    "WEBP": {"RGB", "RGBA"},
}


def _has_alpha(img: Image.Image) -> bool:
    return img.mode in ("LA", "PA", "RGBA", "La", "RGBa") or "transparency" in img.info


def _reencode(data: bytes, fmt: _Format) -> tuple[bytes, int, int]:
    """Decode the image completely and encode its pixels again; returns (bytes, width, height)."""
    with warnings.catch_warnings():
        # Pillow only warns between its own pixel limit and twice that; make the warning an error.
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            # Image.open reads the header only: the size is known before any pixel is decoded.
            img = Image.open(io.BytesIO(data), formats=[fmt.save_as])
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            raise _refuse("pixels") from None
        except Exception:
            # Parsers of hostile input fail in many ways (OSError, SyntaxError, struct.error, ...).
            raise _refuse("damaged") from None
        with img:
            if img.format not in fmt.pillow:
                raise _refuse("damaged")
            if img.width * img.height > MAX_PIXELS:
                raise _refuse("pixels")
            # APNG and animated WebP: keeping only the first frame would silently lose content.
            if img.format != "MPO" and getattr(img, "is_animated", False):
                raise _refuse("animated")
            try:
                # A truncated file must fail to load. Pillow's switch for this is process-wide and
                # some libraries turn it on when imported (WeasyPrint does): set it on every check.
                ImageFile.LOAD_TRUNCATED_IMAGES = False
                img.load()  # decodes every pixel: a truncated or corrupt file fails here
                clean = _pixels_only(img, fmt.save_as)
            except Exception:
                raise _refuse("damaged") from None
    out = io.BytesIO()
    # No exif, icc_profile, xmp, comment or pnginfo is passed, and _pixels_only emptied .info, so
    # the encoder writes the pixels (and PNG transparency) only: nothing appended survives either.
    clean.save(out, format=fmt.save_as, **_SAVE_OPTIONS[fmt.save_as])
    return out.getvalue(), clean.width, clean.height


def _pixels_only(img: Image.Image, save_as: str) -> Image.Image:
    """A copy of the loaded image turned upright, in a mode its format stores, with no metadata."""
    # The EXIF orientation goes with the EXIF: turn the pixels so that the screenshot still reads right.
    upright = ImageOps.exif_transpose(img)
    if upright.mode not in _KEEP_MODES[save_as]:
        alpha = save_as != "JPEG" and _has_alpha(upright)
        if upright.mode == "P":
            upright = upright.convert("RGBA")  # applies the palette's transparency
        upright = upright.convert("RGBA" if alpha else "RGB")
    # Encoders read some metadata from .info (PNG: icc_profile; JPEG: comment): keep only transparency.
    transparency = upright.info.get("transparency") if save_as == "PNG" else None
    upright.info = {} if transparency is None else {"transparency": transparency}
    return upright


# PDFs

# Names that make a PDF do something when it is opened or clicked, or that carry another file or
# form inside it (ISO 32000-2 12.6 actions and 12.7.8 XFA, 7.11.4 embedded files, Adobe's
# RichMedia): refused wherever they stand, as a key or as a value (/S /JavaScript). pypdf has
# decoded #xx escapes already, so /J#61vaScript arrives here as /JavaScript.
_PDF_ACTIVE_NAMES = frozenset(
    {"/JavaScript", "/JS", "/Launch", "/AA", "/EmbeddedFile", "/EmbeddedFiles", "/RichMedia", "/XFA"}
    | {"/SubmitForm", "/ImportData"}
)
# /OpenAction is either a destination (an array: "open at page 1, fit width"), which is harmless,
# or an action (a dictionary), which is refused whatever it does.
_PDF_OPEN_ACTION = "/OpenAction"
# Bounds on the work a hostile PDF can ask for (the file itself is at most MAX_UPLOAD_BYTES). A
# screenshot of a page or a consent form has a few pages and a few hundred objects.
MAX_PDF_PAGES = 500
MAX_PDF_OBJECTS = 20_000
MAX_PDF_NODES = 2_000_000  # names, numbers, strings, arrays and dictionaries visited in all
MAX_PDF_INFLATED_BYTES = 8 * 1024 * 1024  # object streams decoded, in all (pypdf skips whitespace byte by byte)
_PDF_LIMITS = {  # pypdf's own limits, per stream (its defaults are 75 MB)
    "zlib_maximum_output_length": MAX_PDF_INFLATED_BYTES,
    "lzw_maximum_output_length": MAX_PDF_INFLATED_BYTES,
    "run_length_maximum_output_length": MAX_PDF_INFLATED_BYTES,
    "brotli_maximum_output_length": MAX_PDF_INFLATED_BYTES,
    "array_based_stream_maximum_output_length": MAX_PDF_INFLATED_BYTES,
    "stream_decoding_work_maximum_length": 4 * MAX_PDF_INFLATED_BYTES,
    "page_tree_maximum_entries": MAX_PDF_PAGES * 4,
}


class _PdfRefused(Exception):
    def __init__(self, code: str):
        self.code = code


def _check_pdf(data: bytes) -> None:
    """Refuse a PDF that does not parse, is encrypted, is too big a job to check, or carries
    active content anywhere in its objects (object streams included)."""
    try:
        with pypdf.apply_configuration(**_PDF_LIMITS):
            _inspect_pdf(data)
    except _PdfRefused as refused:
        raise _refuse(refused.code) from None
    except pypdf.errors.LimitReachedError:
        raise _refuse("pdf_unchecked") from None
    except Exception:
        # A parser of hostile input fails in many ways (PdfReadError, ValueError, KeyError,
        # RecursionError, struct.error, ...): whatever pypdf cannot read strictly is refused.
        raise _refuse("pdf_damaged") from None


def _inspect_pdf(data: bytes) -> None:
    reader = pypdf.PdfReader(io.BytesIO(data), strict=True)
    if reader.is_encrypted or "/Encrypt" in reader.trailer:
        # Encrypted objects cannot be inspected, and an archived record must open without a password.
        raise _PdfRefused("pdf_encrypted")
    if len(reader.pages) > MAX_PDF_PAGES:  # also reads the whole page tree, strictly
        raise _PdfRefused("pdf_unchecked")
    listed = [(number, generation) for generation, numbers in reader.xref.items() for number in numbers]
    listed += [(number, 0) for number in reader.xref_objStm]
    if len(listed) > MAX_PDF_OBJECTS:
        raise _PdfRefused("pdf_unchecked")
    inflated = 0
    for number in {stream for stream, _index in reader.xref_objStm.values()}:
        # Decode each object stream once, counting the bytes, before pypdf parses what is in it
        # (it keeps the decoded data, so nothing is inflated twice).
        inflated += len(reader.get_object(number).get_data())
        if inflated > MAX_PDF_INFLATED_BYTES:
            raise _PdfRefused("pdf_unchecked")
    for number, generation in listed:
        reader.get_object(pypdf.generic.IndirectObject(number, generation, reader))
    # Everything pypdf parsed: the listed objects and every other object it found in an object
    # stream (a viewer might use one the cross-reference does not list).
    budget = MAX_PDF_NODES
    for obj in [reader.trailer, *reader.resolved_objects.values()]:
        budget = _pdf_walk(obj, budget)


def _pdf_walk(obj, budget: int) -> int:
    """Look at every name, array and dictionary inside obj (without following references: each
    indirect object is walked on its own); refuse active content. Returns the budget left."""
    stack = [obj]
    while stack:
        node = stack.pop()
        budget -= 1
        if budget < 0:
            raise _PdfRefused("pdf_unchecked")
        if isinstance(node, pypdf.generic.DictionaryObject):  # stream dictionaries too
            # dict.items, not DictionaryObject.items: the raw values, references unresolved.
            for key, value in dict.items(node):
                if key in _PDF_ACTIVE_NAMES:
                    raise _PdfRefused("pdf_active")
                if key == _PDF_OPEN_ACTION and not isinstance(value.get_object(), pypdf.generic.ArrayObject):
                    raise _PdfRefused("pdf_active")
                stack.append(value)
        elif isinstance(node, pypdf.generic.ArrayObject):
            stack.extend(list.__iter__(node))
        elif isinstance(node, pypdf.generic.NameObject) and node in _PDF_ACTIVE_NAMES:
            raise _PdfRefused("pdf_active")
    return budget
