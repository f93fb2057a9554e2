"""An fpdf2 document that keeps only the page being drawn, so a long PDF export's memory stays
flat as the page count grows (issue 10, part 2).

fpdf2 keeps every page's content stream (about 9 KB a consult summary) until ``output()``, and
``output()`` builds every page's objects before it writes a byte: 10,000 summaries peaked at
128 MiB. ``SpooledPDF`` is an ``FPDF`` whose finished pages go, compressed just as fpdf2 would
compress them and sealed with AES-GCM under a key that exists only in this process's memory,
to an anonymous temporary file (``_Spool``); ``write_to(out)`` runs fpdf2's own ``output()``
with an output producer (its ``output_producer_class`` hook) that writes to ``out`` as it goes
and serialises the pages one at a time from the spool. Everything else in the file (the fonts
and their subsets, the resources, the catalogue, the document information, the
cross-reference table) is fpdf2's own work. The file is byte for byte the one ``FPDF.output()``
makes of the same pages: ``tests/test_pdf_spool.py`` holds it to that, so a change inside
fpdf2 that this relies on fails there and not in a clinic (fpdf2 is pinned in requirements.txt).

What a spooled document cannot carry is refused with a ValueError that names it: another page
size, links, annotations, page labels, a page duration or transition, marked content (alt
text), an outline, named destinations, a table of contents, ``unbreakable()`` and
``offset_rendering()``, a "total pages" alias (off here: a "{nb}" a patient typed is printed as
typed), compression switched part way, encryption and signing. The consult summary uses none.
"""

from __future__ import annotations

import hashlib
import tempfile
import zlib
from array import array
from functools import partial
from typing import BinaryIO

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from fpdf import FPDF
from fpdf.enums import PDFResourceType
from fpdf.output import ContentWithoutID, OutputProducer, PDFPage, PDFPagesRoot
from fpdf.syntax import Name, PDFArray, PDFContentStream, PDFObject
from fpdf.syntax import create_dictionary_string as pdf_dict

__all__ = ["SpooledPDF"]


class SpooledPDF(FPDF):
    """An FPDF whose pages leave memory when the next one starts. Call ``write_to(out)`` once,
    at the end, inside a ``with`` block (or call ``close_spool()``)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.str_alias_nb_pages = None  # text is printed as given, "{nb}" included
        self.single_resources_object = True  # one /Resources for every page, as the PDF spec allows
        self._spool = _Spool()
        self._sink: _Sink | None = None
        self._writing = False

    def __enter__(self) -> SpooledPDF:
        return self

    def __exit__(self, *_exc) -> None:
        self.close_spool()

    @property
    def spooled_pages(self) -> int:
        return len(self._spool)

    @property
    def pages_count(self) -> int:  # fpdf2 counts its pages dict, which holds only the last
        return self.spooled_pages + len(self.pages)

    def add_page(self, *args, **kwargs) -> None:
        super().add_page(*args, **kwargs)  # fpdf2 still reads the previous page while adding one
        if "_out" in vars(self):  # writing is off: a dry run's page, which fpdf2 drops after it
            return
        self._spool_page(self.page - 1)

    def write_to(self, out: BinaryIO) -> None:
        """The whole document to ``out``, written as it is made; once."""
        if self._sink is not None:
            raise ValueError("a spooled PDF is written once")
        _refuse_for_the_document(self)
        self._writing = True
        try:
            self.output(output_producer_class=partial(_Producer, out=out))
        finally:
            self._writing = False

    def output(self, *args, **kwargs):
        if not self._writing:
            raise ValueError("a spooled PDF is written with write_to(out), not output()")
        return super().output(*args, **kwargs)

    def close_spool(self) -> None:
        self._spool.close()

    def file_id(self) -> str:
        """fpdf2's default identifier (an MD5 of the file before its cross-reference table and
        of the creation date), from the running digest, as the file is never all in memory."""
        if self._sink is None:
            raise ValueError("the file identifier is known only while the file is written")
        digest = self._sink.md5.copy()
        if self.creation_date:
            digest.update(self.creation_date.strftime("%Y%m%d%H%M%S").encode("utf8"))
        hex_digest = digest.hexdigest().upper()
        return f"<{hex_digest}><{hex_digest}>"

    def _spool_page(self, number: int) -> None:
        page = self.pages.get(number)
        if page is None:
            return
        _refuse_for_the_page(self, page)
        data = bytes(page.contents)
        if self.compress:
            data = zlib.compress(data, level=PDFContentStream._COMPRESSION_LEVEL)
        self._spool.add(data, self.compress)
        del self.pages[number]
        for kind in PDFResourceType:  # one resources object serves every page
            self._resource_catalog.resources_per_page.pop((number, kind), None)


def _refuse_for_the_page(pdf: SpooledPDF, page: PDFPage) -> None:
    if not pdf.single_resources_object:
        raise ValueError("a spooled PDF shares one resources object between its pages")
    if page.dimensions() != pdf.default_page_dimensions:
        raise ValueError("every page of a spooled PDF has the document's page size")
    if page.annots or page.get_page_label() is not None or page.get_text_substitutions():
        raise ValueError("a spooled page cannot hold links, annotations, labels or a page-count alias")
    if page.dur or page.trans:
        raise ValueError("a spooled page cannot have a display duration or a transition")
    if page.struct_parents is not None:
        raise ValueError("a spooled page cannot hold marked content (alt text)")


def _refuse_for_the_document(pdf: SpooledPDF) -> None:
    if pdf._security_handler is not None or pdf._sign_key:
        raise ValueError("a spooled PDF cannot be encrypted or signed")
    if pdf.page == 0:
        raise ValueError("a spooled PDF needs at least one page")
    if pdf._outline or pdf.named_destinations or pdf.toc_placeholder:
        raise ValueError("a spooled PDF cannot hold an outline, named destinations or a table of contents")


class _Spool:
    """The finished pages' content streams in an anonymous temporary file (Linux
    ``O_TMPFILE``: no name in any directory), each sealed with AES-GCM under a key made here
    and kept only in memory, so the freed blocks of the file hold nothing readable after the
    export. Opened at the first page; 16 bytes of index a page."""

    def __init__(self):
        self._file = None
        self._seal = AESGCM(AESGCM.generate_key(bit_length=256))
        self._index = array("Q")  # offset and sealed length of each page, in order
        self.compressed: bool | None = None

    def __len__(self) -> int:
        return len(self._index) // 2

    def __deepcopy__(self, _memo):  # fpdf2's unbreakable() and offset_rendering() copy the document
        raise ValueError("a spooled PDF cannot use unbreakable() or offset_rendering()")

    def add(self, stream: bytes, compressed: bool) -> None:
        if self.compressed is not None and compressed != self.compressed:
            raise ValueError("a spooled PDF keeps the compression its first page had")
        self.compressed = compressed
        if self._file is None:
            self._file = tempfile.TemporaryFile()
        sealed = self._seal.encrypt(len(self).to_bytes(12, "big"), stream, None)
        self._file.seek(0, 2)
        self._index.extend((self._file.tell(), len(sealed)))
        self._file.write(sealed)

    def length(self, index: int) -> int:
        return self._index[2 * index + 1] - 16  # AES-GCM's tag

    def page(self, index: int) -> bytes:
        self._file.seek(self._index[2 * index])
        sealed = self._file.read(self._index[2 * index + 1])
        return self._seal.decrypt(index.to_bytes(12, "big"), sealed, None)

    def close(self) -> None:
        if self._file is not None:
            self._file.close()


class _Sink:
    """Stands in for the producer's output bytearray: appends go to ``out``; ``len`` is the
    bytes written (the producer's object offsets), ``md5`` their running digest."""

    def __init__(self, out: BinaryIO):
        self.out, self.written, self.md5 = out, 0, hashlib.md5(usedforsecurity=False)

    def __len__(self) -> int:
        return self.written

    def __iadd__(self, data: bytes) -> _Sink:
        self.out.write(data)
        self.written += len(data)
        self.md5.update(data)
        return self


class _Offsets:
    """Object offsets for the cross-reference table, 8 bytes an object."""

    def __init__(self):
        self._at, self._set = array("q"), 0

    def __setitem__(self, obj_id: int, offset: int) -> None:
        if obj_id >= len(self._at):
            self._at.extend([-1] * (obj_id + 1 - len(self._at)))
        self._at[obj_id] = offset
        self._set += 1

    def __getitem__(self, obj_id: int) -> int:
        if obj_id >= len(self._at) or self._at[obj_id] < 0:
            raise KeyError(obj_id)
        return self._at[obj_id]

    def __len__(self) -> int:
        return self._set


class _Producer(OutputProducer):
    """fpdf2's producer, writing to ``out`` and taking the pages from the spool."""

    def __init__(self, fpdf: SpooledPDF, out: BinaryIO):
        fpdf._spool_page(fpdf.page)  # the last page, after output() has drawn its footer
        super().__init__(fpdf)
        self.buffer = fpdf._sink = _Sink(out)  # type: ignore[assignment]
        self.offsets = _Offsets()  # type: ignore[assignment]

    def _iter_pages_in_order(self):
        return iter(())  # no page is left in fpdf.pages: they are all in the spool

    def _add_pages_root(self) -> PDFPagesRoot:
        numbered = super()._add_pages_root()  # counts the pages right: SpooledPDF.pages_count
        root = _PagesRoot(count=numbered.count, media_box=numbered.media_box)
        root.id = numbered.id  # in its place
        self.pdf_objs[-1] = self._root = root
        return root

    def _add_pages(self, _slice: slice = slice(0, None)) -> list[PDFPage]:
        pages = _SpooledPages(self, first_id=self.obj_id + 1)
        self.obj_id += 2 * self.fpdf.spooled_pages  # each page, then its content stream
        self.pdf_objs.append(pages)
        self._root._spooled = pages  # the root lists them as its kids
        return [pages]  # type: ignore[list-item]


class _PagesRoot(PDFPagesRoot):
    """The page tree's root; its kids are the spooled pages, numbered two apart."""

    _spooled: _SpooledPages | None = None

    @property
    def kids(self):
        return _Kids(self._spooled) if self._spooled else None

    @kids.setter
    def kids(self, _value) -> None:
        pass  # fpdf2 sets the page objects it was given; the spool knows them all


class _Kids:
    def __init__(self, pages: _SpooledPages):
        self.pages = pages

    def serialize(self, **_kwargs) -> str:  # as fpdf2's PDFArray of page objects
        ids = range(self.pages.id, self.pages.id + 2 * self.pages.count, 2)
        return "[" + "\n".join(f"{n} 0 R" for n in ids) + "]"


class _SpooledPages(ContentWithoutID):
    """Every spooled page and its content stream, serialised one at a time into the output.

    fpdf2 treats it as the document's one page object: it sets ``parent``, ``resources`` and
    ``annots`` on it, and its ``id`` is the first page's (the catalogue opens there)."""

    def __init__(self, producer: _Producer, first_id: int):
        self.producer, self.id = producer, first_id
        self.count = producer.fpdf.spooled_pages
        self.parent = self.resources = None
        self.annots = PDFArray()

    def serialize(self, _security_handler=None) -> str:
        producer, text = self.producer, ""
        for index in range(self.count):
            for obj in self._objects(index):
                if text:
                    producer._out(text)
                producer.offsets[obj.id] = len(producer.buffer)
                text = obj.serialize()
        return text  # the producer writes the last one itself, with its newline

    def _objects(self, index: int) -> tuple[PDFPage, PDFObject]:
        fpdf = self.producer.fpdf
        stream = _Stream(fpdf, index, self.id + 2 * index + 1)
        page = PDFPage(duration=None, transition=None, contents=stream, index=index + 1)
        page.id, page.parent, page.resources = self.id + 2 * index, self.parent, self.resources
        page.annots = None
        if fpdf.pdf_version > "1.3" and fpdf.allow_images_transparency:  # as fpdf2's _add_pages
            page.group = pdf_dict({"/Type": "/Group", "/S": "/Transparency", "/CS": "/DeviceRGB"},
                                  field_join=" ")
        return page, stream


class _Stream(PDFObject):
    def __init__(self, fpdf: SpooledPDF, index: int, obj_id: int):
        super().__init__()
        self.id, self._fpdf, self._index = obj_id, fpdf, index
        self.filter = Name("FlateDecode") if fpdf._spool.compressed else None
        self.length = fpdf._spool.length(index)

    def content_stream(self) -> bytes:
        return self._fpdf._spool.page(self._index)
