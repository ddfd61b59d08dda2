#!/usr/bin/env python3
"""Writes Fashion-MNIST (the dataset-fashion-mnist package's IDX files) as the other forms Ibex reads, so that the same
data can be trained from each: OUT/train.csv and OUT/test.csv (header 'label,p0,…,p783', pixels as value/255 exactly as
the IDX reader scales them), the same training rows split into OUT/train-shards/train-K.csv (10,000 rows each, for
StreamingData), and OUT/train/<class>/NNNNN.png and OUT/test/<class>/NNNNN.png (8-bit grey PNGs).

Usage: fashion-mnist-as-files.py OUT [IDX_FOLDER]
"""
import gzip
import os
import struct
import sys
import zlib

SHARD_ROWS = 10_000
CLASSES = ["0-tshirt", "1-trouser", "2-pullover", "3-dress", "4-coat", "5-sandal", "6-shirt", "7-sneaker", "8-bag", "9-boot"]


def read_idx(path):
    with gzip.open(path) as f:
        data = f.read()
    dims = data[3]
    shape = struct.unpack(">" + "I" * dims, data[4:4 + 4 * dims])
    return shape, data[4 + 4 * dims:]


def png(pixels, width, height):
    raw = b"".join(b"\x00" + pixels[r * width:(r + 1) * width] for r in range(height))

    def chunk(kind, body):
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b"")


def main():
    out = sys.argv[1]
    source = sys.argv[2] if len(sys.argv) > 2 else "/usr/share/datasets/fashion-mnist"
    # value/255 rounded to float32, written so that it parses back to the same float32 the IDX reader computes.
    text = [repr(struct.unpack("f", struct.pack("f", b / 255))[0]) for b in range(256)]
    for split, prefix in (("train", "train"), ("test", "t10k")):
        (count, height, width), images = read_idx(os.path.join(source, f"{prefix}-images-idx3-ubyte.gz"))
        _, labels = read_idx(os.path.join(source, f"{prefix}-labels-idx1-ubyte.gz"))
        size = height * width
        header = "label," + ",".join(f"p{i}" for i in range(size)) + "\n"
        rows = [str(labels[n]) + "," + ",".join(text[b] for b in images[n * size:(n + 1) * size]) + "\n" for n in range(count)]
        with open(os.path.join(out, f"{split}.csv"), "w") as csv:
            csv.write(header)
            csv.writelines(rows)
        if split == "train":
            os.makedirs(os.path.join(out, "train-shards"), exist_ok=True)
            for k, start in enumerate(range(0, count, SHARD_ROWS)):
                with open(os.path.join(out, "train-shards", f"train-{k}.csv"), "w") as csv:
                    csv.write(header)
                    csv.writelines(rows[start:start + SHARD_ROWS])
        for name in CLASSES:
            os.makedirs(os.path.join(out, split, name), exist_ok=True)
        for n in range(count):
            with open(os.path.join(out, split, CLASSES[labels[n]], f"{n:05d}.png"), "wb") as f:
                f.write(png(images[n * size:(n + 1) * size], width, height))
        print(f"{split}: {count} images as {split}.csv and {split}/<class>/*.png")


if __name__ == "__main__":
    main()
