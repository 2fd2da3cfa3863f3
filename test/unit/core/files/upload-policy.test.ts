import { describe, expect, it } from 'vitest';
import { checkUpload } from '../../../../core/files/upload-policy.ts';

const bytes = (...parts: Array<string | number[]>) => new Uint8Array(parts.flatMap((part) => (typeof part === 'string' ? [...Buffer.from(part, 'latin1')] : part)));
const PDF = bytes('%PDF-1.7\n%\xE2\xE3\xCF\xD3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n');
const PNG = bytes([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13], 'IHDR', [0, 0, 0, 1, 0, 0, 0, 1, 8, 6, 0, 0, 0]);
const EXE = bytes('MZ', new Array(62).fill(0), [0x40, 0, 0, 0], 'PE\0\0');
const SVG = bytes('<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>');

describe('checkUpload', () => {
  it('judges the bytes, not the name', async () => {
    expect(await checkUpload({ name: 'notes.txt', head: PDF, size: PDF.length })).toEqual({ ok: true, kind: 'document', mime: 'application/pdf' });
    expect(await checkUpload({ name: 'slide.png', head: PNG, size: PNG.length })).toMatchObject({ ok: true, kind: 'image' });
    expect(await checkUpload({ name: 'lesson.pdf', head: EXE, size: EXE.length })).toMatchObject({ ok: false, reason: 'type_refused' });
  });

  it('refuses what can carry script, unknown binaries, empty files and files over the limit', async () => {
    expect(await checkUpload({ name: 'logo.svg', head: SVG, size: SVG.length })).toMatchObject({ ok: false, reason: 'type_refused' });
    expect(await checkUpload({ name: 'page.md', head: bytes('# Hi\n<script>steal()</script>'), size: 30 })).toMatchObject({ ok: false, reason: 'type_refused' });
    expect(await checkUpload({ name: 'blob.bin', head: bytes([0, 1, 2, 3, 250, 251]), size: 6 })).toMatchObject({ ok: false, reason: 'type_refused', detail: 'unknown binary' });
    expect(await checkUpload({ name: 'empty.pdf', head: new Uint8Array(), size: 0 })).toMatchObject({ ok: false, reason: 'empty' });
    expect(await checkUpload({ name: 'big.pdf', head: PDF, size: 60 * 1024 * 1024 })).toMatchObject({ ok: false, reason: 'too_large' });
    expect(await checkUpload({ name: 'small.pdf', head: PDF, size: 2_000 }, { maxBytes: 1_000, maxFilesPerLesson: 1 })).toMatchObject({ ok: false, reason: 'too_large' });
  });

  it('takes plain UTF-8 text under a text name, Chinese included, even cut mid-character', async () => {
    const text = new TextEncoder().encode('# 第一课\n- SQL 基础\n');
    expect(await checkUpload({ name: 'lesson-1.md', head: text, size: text.length })).toEqual({ ok: true, kind: 'text', mime: 'text/plain; charset=utf-8' });
    expect(await checkUpload({ name: 'lesson-1.md', head: text.subarray(0, 5), size: text.length })).toMatchObject({ ok: true, kind: 'text' });
    expect(await checkUpload({ name: 'lesson-1', head: text, size: text.length })).toMatchObject({ ok: false, reason: 'type_refused' });
  });
});
