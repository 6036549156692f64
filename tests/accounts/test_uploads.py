"""accounts.uploads.checked_upload with ordinary and hostile files, all built here with Pillow or bytes."""

import hashlib
import io
import random
import struct
import time
import zlib

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image, PngImagePlugin

from accounts.uploads import MAX_UPLOAD_BYTES, MESSAGES, CheckedFile, checked_upload
from tests.pdf import one_page_pdf, pdf_document, review_bypass_pdf

pytestmark = pytest.mark.usefixtures("english")

MB = 1024 * 1024
HTML = b"<html><script>alert(1)</script></html>"


def image_bytes(fmt: str = "PNG", size=(40, 30), mode: str = "RGB", color="red", **save) -> bytes:
    out = io.BytesIO()
    Image.new(mode, size, color).save(out, fmt, **save)
    return out.getvalue()


def upload(content: bytes, name: str = "screenshot.png", content_type: str = "image/png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=content_type)


def refusal(content: bytes, name: str = "screenshot.png", **kwargs) -> str:
    """The message checked_upload refuses the file with (fails the test if it is accepted)."""
    with pytest.raises(ValidationError) as exc:
        checked_upload(upload(content, name), **kwargs)
    return str(exc.value.messages[0])


def reopened(checked: CheckedFile) -> Image.Image:
    img = Image.open(io.BytesIO(checked.content))
    img.load()
    return img


def png_claiming(width: int, height: int) -> bytes:
    """A small PNG whose header claims width x height pixels (CRC fixed, pixel data unchanged)."""
    data = bytearray(image_bytes("PNG", (8, 8)))
    # Signature (8) + IHDR length (4) + "IHDR" (4): width and height are the next 8 bytes.
    data[16:24] = struct.pack(">II", width, height)
    data[29:33] = struct.pack(">I", zlib.crc32(bytes(data[12:29])))
    return bytes(data)


def gps_exif() -> bytes:
    """EXIF naming the camera and the place (Stockholm)."""
    exif = Image.Exif()
    exif[0x010F] = "Canon"  # Make
    gps = exif.get_ifd(0x8825)
    gps.update({1: "N", 2: (59.0, 20.0, 0.0), 3: "E", 4: (18.0, 4.0, 0.0)})
    return exif.tobytes()


# Ordinary files are accepted and described correctly


@pytest.mark.parametrize(
    ("fmt", "content_type", "extension"),
    [("PNG", "image/png", "png"), ("JPEG", "image/jpeg", "jpg"), ("WEBP", "image/webp", "webp")],
)
def test_valid_image_is_accepted_with_its_size_and_checksum(fmt, content_type, extension):
    checked = checked_upload(upload(image_bytes(fmt, (64, 48))))

    assert (checked.content_type, checked.extension) == (content_type, extension)
    assert (checked.width, checked.height) == (64, 48)
    assert checked.size == len(checked.content)
    assert checked.sha256 == hashlib.sha256(checked.content).hexdigest()
    assert checked.filename == f"{checked.sha256}.{extension}"
    assert reopened(checked).format == fmt


def test_type_is_decided_by_content_not_by_name():
    checked = checked_upload(upload(image_bytes("JPEG"), name="actually-a-jpeg.png", content_type="image/png"))

    assert (checked.content_type, checked.extension) == ("image/jpeg", "jpg")


@pytest.mark.parametrize(
    ("fmt", "mode"),
    [("PNG", "P"), ("PNG", "1"), ("PNG", "LA"), ("PNG", "I;16"), ("JPEG", "L"), ("JPEG", "CMYK"), ("WEBP", "RGBA")],
)
def test_images_in_other_modes_are_accepted(fmt, mode):
    checked = checked_upload(upload(image_bytes(fmt, mode=mode, color=1 if mode in ("1", "P", "I;16") else None)))

    assert reopened(checked).format == fmt


def test_palette_transparency_survives():
    img = Image.new("P", (10, 10), 0)
    img.putpalette([255, 0, 0, 0, 255, 0])
    out = io.BytesIO()
    img.save(out, "PNG", transparency=0)

    assert reopened(checked_upload(upload(out.getvalue()))).info.get("transparency") == 0


def test_upright_orientation_is_kept_when_exif_goes():
    exif = Image.Exif()
    exif[0x0112] = 6  # Orientation: rotate 90° clockwise to display
    checked = checked_upload(upload(image_bytes("JPEG", (40, 20), exif=exif.tobytes())))

    assert (checked.width, checked.height) == (20, 40)
    assert not reopened(checked).getexif()


def test_any_binary_file_object_is_accepted():
    checked = checked_upload(io.BytesIO(image_bytes("PNG")))

    assert checked.width == 40


# Metadata and hidden content are removed


def test_gps_exif_is_gone_from_a_jpeg():
    original = image_bytes("JPEG", exif=gps_exif())
    assert Image.open(io.BytesIO(original)).getexif().get_ifd(0x8825)  # the test file does carry GPS

    checked = checked_upload(upload(original))

    assert not reopened(checked).getexif()
    assert b"Exif" not in checked.content
    assert b"Canon" not in checked.content


@pytest.mark.parametrize("fmt", ["PNG", "WEBP"])
def test_exif_and_xmp_are_gone_from_png_and_webp(fmt):
    checked = checked_upload(upload(image_bytes(fmt, exif=gps_exif(), xmp=b"<x:xmpmeta>secret</x:xmpmeta>")))

    assert not reopened(checked).getexif()
    assert b"Exif" not in checked.content
    assert b"EXIF" not in checked.content
    assert b"secret" not in checked.content


def test_text_chunks_and_icc_profile_are_gone_from_a_png():
    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", HTML.decode())
    info.add_text("Author", "Anna Andersson", zip=True)
    info.add_itxt("Description", "GPS 59.33 18.06")
    original = image_bytes("PNG", pnginfo=info, icc_profile=b"not really a profile")

    checked = checked_upload(upload(original))

    for hidden in (b"<script", b"Andersson", b"GPS", b"tEXt", b"zTXt", b"iTXt", b"iCCP"):
        assert hidden not in checked.content


def test_jpeg_comment_is_gone():
    checked = checked_upload(upload(image_bytes("JPEG", comment=b"Taken at Solna campus")))

    assert b"Solna" not in checked.content


@pytest.mark.parametrize("fmt", ["PNG", "JPEG"])
def test_html_appended_to_an_image_is_cut_off_by_re_encoding(fmt):
    """Chosen behaviour: the image is accepted and the stored bytes are only the re-encoded pixels."""
    checked = checked_upload(upload(image_bytes(fmt) + HTML))

    assert b"<script" not in checked.content
    assert b"<html" not in checked.content
    assert checked.content.endswith(b"IEND\xaeB`\x82" if fmt == "PNG" else b"\xff\xd9")


# Hostile or unsupported files are refused with a clear message


def test_svg_with_script_is_refused():
    svg = b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><script>alert(1)</script></svg>'

    assert refusal(svg, name="logo.svg") == "Upload a PNG, JPEG or WebP image, or a PDF."
    assert refusal(svg, name="logo.png") == "Upload a PNG, JPEG or WebP image, or a PDF."


@pytest.mark.parametrize(
    "content",
    [HTML, b"GIF89a" + HTML, b"plain text", b"\x00\x01\x02\x03"],
    ids=["html", "gif-polyglot", "text", "binary"],
)
def test_other_content_is_refused_whatever_its_name(content):
    assert refusal(content, name="screenshot.png") == "Upload a PNG, JPEG or WebP image, or a PDF."


def test_gif_is_refused():
    assert refusal(image_bytes("GIF"), name="screenshot.gif") == "Upload a PNG, JPEG or WebP image, or a PDF."


def test_empty_file_is_refused():
    assert refusal(b"") == "The file is empty."


def test_eleven_megabyte_file_is_refused():
    assert refusal(b"\x89PNG\r\n\x1a\n" + b"\x00" * (11 * MB)) == "The file is larger than 10 MB."


def test_size_limit_holds_without_a_declared_size_and_reads_no_further():
    class Endless(io.RawIOBase):
        """A stream that never ends and has no size: only what is read is counted."""

        consumed = 0

        def readable(self):
            return True

        def readinto(self, buffer):
            buffer[:] = b"\x00" * len(buffer)
            self.consumed += len(buffer)
            return len(buffer)

    source = Endless()
    with pytest.raises(ValidationError, match="larger than 10 MB"):
        checked_upload(source)
    assert source.consumed <= MAX_UPLOAD_BYTES + 1


def test_file_of_exactly_ten_megabytes_is_within_the_limit():
    filler = 0
    padded = one_page_pdf(b"(%s)" % (b"x" * filler))
    while len(padded) != MAX_UPLOAD_BYTES:  # the offsets' digits grow with the filler: converge
        filler += MAX_UPLOAD_BYTES - len(padded)
        padded = one_page_pdf(b"(%s)" % (b"x" * filler))

    assert checked_upload(upload(padded, name="page.pdf")).size == MAX_UPLOAD_BYTES


def test_real_fifty_megapixel_png_is_refused():
    """A 1-bit 10000 x 5000 image: 50 megapixels in a file of a few kilobytes."""
    bomb = image_bytes("PNG", (10_000, 5_000), mode="1", color=0)
    assert len(bomb) < 100_000

    assert refusal(bomb) == "The image has more than 40 megapixels. Upload a smaller screenshot."


@pytest.mark.parametrize(
    ("width", "height"),
    [(8001, 5000), (10_000, 10_000), (20_000, 20_000)],
    ids=["our-limit", "pillow-warning", "pillow-error"],
)
def test_decompression_bomb_is_refused_before_decoding(width, height):
    # The header lies: decoding would fail as damaged, so the pixel message shows the size was checked first.
    assert refusal(png_claiming(width, height)) == "The image has more than 40 megapixels. Upload a smaller screenshot."


def test_forty_megapixels_pass_the_pixel_check():
    # 8000 x 5000 is exactly the limit: it passes the size check and only fails decoding the fake data.
    assert refusal(png_claiming(8000, 5000)) == "The image is damaged or incomplete."


@pytest.mark.parametrize("fmt", ["PNG", "JPEG", "WEBP"])
def test_truncated_image_is_refused(fmt):
    # Noise does not compress, so half of the file is half of the pixel data.
    img = Image.frombytes("RGB", (200, 150), random.Random(1).randbytes(200 * 150 * 3))
    out = io.BytesIO()
    img.save(out, fmt)
    whole = out.getvalue()

    assert refusal(whole[: len(whole) // 2]) == "The image is damaged or incomplete."


def test_truncated_image_is_refused_after_weasyprint_was_imported():
    """WeasyPrint (the report PDFs) switches Pillow's process-wide LOAD_TRUNCATED_IMAGES on when
    imported; the upload check must not let a truncated screenshot through because of it."""
    import weasyprint  # noqa: F401
    from PIL import ImageFile

    img = Image.frombytes("RGB", (200, 150), random.Random(2).randbytes(200 * 150 * 3))
    out = io.BytesIO()
    img.save(out, "PNG")
    ImageFile.LOAD_TRUNCATED_IMAGES = True  # as after `import weasyprint`
    try:
        assert refusal(out.getvalue()[: len(out.getvalue()) // 2]) == "The image is damaged or incomplete."
    finally:
        ImageFile.LOAD_TRUNCATED_IMAGES = False


@pytest.mark.parametrize("magic", [b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff\xe0", b"RIFF\x00\x00\x00\x00WEBPVP8 "])
def test_right_magic_bytes_with_garbage_are_refused(magic):
    assert refusal(magic + b"garbage" * 20) == "The image is damaged or incomplete."


@pytest.mark.parametrize("fmt", ["PNG", "WEBP"])
def test_animated_image_is_refused(fmt):
    frames = [Image.new("RGB", (10, 10), c) for c in ("red", "blue")]
    out = io.BytesIO()
    frames[0].save(out, fmt, save_all=True, append_images=frames[1:])

    assert refusal(out.getvalue()) == "Animated images cannot be accepted. Upload a still screenshot."


def test_path_in_the_uploaded_name_plays_no_part():
    checked = checked_upload(upload(image_bytes("PNG"), name="../../etc/passwd.png"))

    assert checked.filename == f"{checked.sha256}.png"


# PDFs

ACTIVE = "The PDF contains active content and cannot be accepted."
DAMAGED = "The PDF is damaged or incomplete."
UNCHECKED = "The PDF could not be checked for active content and cannot be accepted."


def pdf_refusal(content: bytes) -> str:
    return refusal(content, name="page.pdf")


def test_pdf_is_accepted_unchanged():
    original = one_page_pdf()

    checked = checked_upload(upload(original, name="page.pdf", content_type="application/pdf"))

    assert checked.content == original
    assert (checked.content_type, checked.extension, checked.width, checked.height) == (
        "application/pdf",
        "pdf",
        None,
        None,
    )
    assert checked.sha256 == hashlib.sha256(original).hexdigest()


def test_pdf_written_by_pillow_with_binary_image_data_is_accepted():
    # Compressed image data can contain "/JS" by chance; stream contents are not names.
    checked = checked_upload(upload(image_bytes("PDF", (300, 200)), name="page.pdf"))

    assert checked.content_type == "application/pdf"


def test_pdfs_written_by_weasyprint_are_accepted():
    """The PDFs the portal makes pass: its archival record PDFs (WeasyPrint, PDF/A-3a, tagged, with
    XMP metadata, an output intent and embedded fonts) and its reports (PDF 1.7 with compressed
    object streams and an internal link)."""
    import weasyprint
    from django.utils import timezone

    from core.pdf import record_pdf

    record = record_pdf(
        title="Startsida, KI Forskning", intro="Łukasz", rows=[("Konto", "KI")], footer="KI", created_at=timezone.now()
    )
    weasy = weasyprint.HTML(string="<h1>Startsida</h1><p><a href='#x'>x</a></p><p id='x'>y</p>").write_pdf()

    for content in (record, weasy):
        assert checked_upload(upload(content, name="page.pdf")).content == content


def test_pdf_whose_open_action_is_a_destination_is_accepted():
    """ "Open at page 1, fit the width" is an array, not an action: harmless."""
    pdf = one_page_pdf(catalog=b"/OpenAction [3 0 R /Fit]")

    assert checked_upload(upload(pdf, name="page.pdf")).content == pdf


def test_pdf_is_refused_where_only_images_are_allowed():
    assert refusal(one_page_pdf(), name="page.pdf", allow_pdf=False) == "Upload a PNG, JPEG or WebP image."


def test_the_bypass_of_the_security_review_is_refused():
    """Issue 11, defect 2: a string "(stream\n)" before the open action and "(endstream)" after it
    made the old byte search skip the action as if it were a stream's content, and the file was
    accepted and served byte for byte. Parsed, the catalog holds a JavaScript open action."""
    assert pdf_refusal(review_bypass_pdf()) == ACTIVE


# Each way of making a PDF act: (what the catalog gets, object 5). Object 6 is an empty dictionary
# that some of them refer to.
ACTIVE_CONTENT = {
    "javascript-open-action": (b"/OpenAction 5 0 R", b"<< /S /JavaScript /JS (app.alert(1)) >>"),
    "javascript-name-tree": (b"/Names << /JavaScript 5 0 R >>", b"<< /Names [(a) << /S /JavaScript >>] >>"),
    "js-only": (b"/Extra 5 0 R", b"<< /JS (app.alert(1)) >>"),
    "launch": (b"/OpenAction 5 0 R", b"<< /S /Launch /F (cmd.exe) >>"),
    "goto-open-action": (b"/OpenAction 5 0 R", b"<< /S /GoTo /D [3 0 R /Fit] >>"),
    "additional-actions": (b"/Extra 5 0 R", b"<< /AA << /O << /S /URI /URI (https://example.org) >> >> >>"),
    "embedded-file": (b"/Extra 5 0 R", b"<< /Type /EmbeddedFile /Length 0 >>"),
    "embedded-files": (b"/Names << /EmbeddedFiles 5 0 R >>", b"<< /Names [(a.exe) 6 0 R] >>"),
    "rich-media": (b"/Extra 5 0 R", b"<< /Subtype /RichMedia >>"),
    "xfa": (b"/AcroForm 5 0 R", b"<< /Fields [] /XFA [(template) 6 0 R] >>"),
    "submit-form": (b"/Extra 5 0 R", b"<< /S /SubmitForm /F (https://example.org) >>"),
    "import-data": (b"/Extra 5 0 R", b"<< /S /ImportData /F (data.fdf) >>"),
}


@pytest.mark.parametrize("object_stream", [False, True], ids=["plain", "object-stream"])
@pytest.mark.parametrize("kind", ACTIVE_CONTENT)
def test_pdf_with_active_content_is_refused(kind, object_stream):
    """Each forbidden key or action, in a plain object and compressed in an object stream (where
    a byte search sees only deflated bytes)."""
    catalog, obj = ACTIVE_CONTENT[kind]
    pdf = one_page_pdf(obj, b"<< >>", catalog=catalog, object_stream=object_stream)
    if object_stream:
        assert b"/S" not in pdf.split(b"/Type /ObjStm")[1].split(b"endstream")[0]  # really compressed

    assert pdf_refusal(pdf) == ACTIVE


@pytest.mark.parametrize(
    "catalog",
    [
        b"/OpenAction << /S /J#61vaScript /J#53 (app.alert(1)) >>",
        b"/OpenAction << /S /#4A#61#76#61#53#63#72#69#70#74 /JS (app.alert(1)) >>",
        b"/N#61mes << /#45mbeddedFiles << /Names [] >> >>",
        b"/#41#41 << >>",
    ],
    ids=["javascript", "all-hex", "embedded-files", "aa"],
)
def test_pdf_with_name_escaped_active_content_is_refused(catalog):
    assert pdf_refusal(one_page_pdf(catalog=catalog)) == ACTIVE


def test_pdf_with_a_clean_object_stream_is_accepted():
    pdf = one_page_pdf(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>", object_stream=True)

    assert checked_upload(upload(pdf, name="page.pdf")).content == pdf


def test_encrypted_pdf_is_refused():
    """An encrypted PDF's objects cannot be inspected, and an archived record must open without a password."""
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(200, 200)
    writer.encrypt(user_password="", owner_password="owner", algorithm="RC4-128")
    out = io.BytesIO()
    writer.write(out)

    assert pdf_refusal(out.getvalue()) == "The PDF is encrypted or password-protected and cannot be accepted."


@pytest.mark.parametrize(
    "damage",
    [
        lambda pdf: pdf[: len(pdf) // 2],
        lambda pdf: pdf[:-40],
        lambda pdf: pdf.replace(b"xref", b"xerf"),
        lambda pdf: b"%PDF-1.7\n" + random.Random(3).randbytes(5000),
        lambda pdf: b"%PDF-1.7\n%%EOF\n",
    ],
    ids=["half", "no-trailer", "broken-xref", "garbage", "header-only"],
)
def test_damaged_pdf_is_refused(damage):
    """What pypdf cannot read strictly (truncated, no trailer, a broken cross-reference, garbage) is refused."""
    assert pdf_refusal(damage(one_page_pdf())) == DAMAGED


def test_a_deflate_bomb_in_an_object_stream_is_refused_quickly():
    """A PDF bomb: 100 kB that inflate to 100 MB in an object stream. pypdf stops inflating at
    the limit; the request does not hang or take the worker's memory."""
    bad = one_page_pdf(object_stream=True, pad=100 * MB)
    assert len(bad) < MAX_UPLOAD_BYTES

    began = time.monotonic()
    assert pdf_refusal(bad) == UNCHECKED
    assert time.monotonic() - began < 10


def test_too_many_pages_are_refused():
    """The work is bounded: 600 pages (here one page object listed 600 times) is more than a screenshot needs."""
    kids = b" ".join(b"3 0 R" for _ in range(600))
    pdf = pdf_document(
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [%s] /Count 600 >>" % kids,
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>",
    )

    assert pdf_refusal(pdf) == UNCHECKED


def test_refusals_are_validation_errors_with_a_code():
    with pytest.raises(ValidationError) as exc:
        checked_upload(upload(b"plain text"))

    assert exc.value.code == "type"
    assert set(MESSAGES) >= {"too_large", "type", "pixels", "damaged", "pdf_active"}
