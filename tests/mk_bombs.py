"""python tests/mk_bombs.py MODE MB OUT — hostile PDFs written by hand (review42), for test_bomb_coordinator
wronglen: xref-stream PDF, catalog in an object stream padded with MB MiB, objstm /Length wrong (10)
content:  plain 2-page PDF (xref table), page 1 content = MB MiB of spaces + a rect, Flate
image:    plain 2-page PDF, page 1 draws a gray Flate image of MB MiB (square)"""
import struct, sys, zlib, math
mode, mb, out = sys.argv[1], int(sys.argv[2]), sys.argv[3]

def z(data):
    c = zlib.compressobj(9); return c.compress(data) + c.flush()

def table_pdf(objs):
    f = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n"); offs = {}
    for n in sorted(objs):
        offs[n] = len(f)
        d, s = objs[n] if isinstance(objs[n], tuple) else (objs[n], None)
        if s is None:
            f += b"%d 0 obj\n%s\nendobj\n" % (n, d)
        else:
            f += b"%d 0 obj\n%s\nstream\n" % (n, d) + s + b"\nendstream\nendobj\n"
    x = len(f); size = max(objs) + 1
    f += b"xref\n0 %d\n0000000000 65535 f \n" % size
    for n in range(1, size):
        f += b"%010d 00000 n \n" % offs[n] if n in offs else b"0000000000 65535 f \n"
    f += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (size, x)
    return bytes(f)

if mode == "wronglen":
    objs = {1: b"<< /Type /Catalog /Pages 2 0 R >>", 2: b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            3: b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << >> >>"}
    heads, body = [], b""
    for n in (1, 2, 3):
        heads.append(b"%d %d" % (n, len(body))); body += objs[n] + b"\n"
    head = b" ".join(heads) + b"\n"
    zz = z(head + body + b" " * (mb << 20))
    f = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    o5 = len(f)
    f += b"5 0 obj\n<< /Type /ObjStm /N 3 /First %d /Length 10 /Filter /FlateDecode >>\nstream\n" % len(head)
    f += zz + b"\nendstream\nendobj\n"
    rows = struct.pack(">BII", 0, 0, 65535)
    for i in range(3): rows += struct.pack(">BII", 2, 5, i)
    rows += struct.pack(">BII", 0, 0, 0) + struct.pack(">BII", 1, o5, 0) + struct.pack(">BII", 1, len(f), 0)
    xz = z(rows); xo = len(f)
    f += b"6 0 obj\n<< /Type /XRef /Size 7 /W [1 4 4] /Root 1 0 R /Length %d /Filter /FlateDecode >>\nstream\n" % len(xz)
    f += xz + b"\nendstream\nendobj\nstartxref\n%d\n%%%%EOF\n" % xo
    data = bytes(f)
elif mode == "content":
    c = z(b" " * (mb << 20) + b"0 0 1 rg 100 100 200 200 re f")
    data = table_pdf({1: b"<< /Type /Catalog /Pages 2 0 R >>", 2: b"<< /Type /Pages /Kids [3 0 R 5 0 R] /Count 2 >>",
        3: b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << >> >>",
        4: (b"<< /Length %d /Filter /FlateDecode >>" % len(c), c),
        5: b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 6 0 R /Resources << >> >>",
        6: (b"<< /Length 29 >>", b"0 0 1 rg 100 100 200 200 re f")})
elif mode == "image":
    side = int(math.sqrt(mb << 20)); px = z(b"\xff" * (side * side))
    c = b"q 500 0 0 700 50 50 cm /Im0 Do Q"
    data = table_pdf({1: b"<< /Type /Catalog /Pages 2 0 R >>", 2: b"<< /Type /Pages /Kids [3 0 R 5 0 R] /Count 2 >>",
        3: b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /XObject << /Im0 7 0 R >> >> >>",
        4: (b"<< /Length %d >>" % len(c), c),
        5: b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 6 0 R /Resources << >> >>",
        6: (b"<< /Length 29 >>", b"0 0 1 rg 100 100 200 200 re f"),
        7: (b"<< /Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace /DeviceGray /BitsPerComponent 8 /Length %d /Filter /FlateDecode >>" % (side, side, len(px)), px)})
open(out, "wb").write(data); print(out, len(data))
