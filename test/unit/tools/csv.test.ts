import { csvLine, decodeFile, neutralized, readCsv, restored } from '../../../tools/csv';

describe('decodeFile', () => {
  it('reads UTF-8, with or without a byte order mark', () => {
    const text = 'naam\nCafé Zoë\n';
    expect(decodeFile(Buffer.from(text))).toEqual({ text, encoding: 'utf-8' });
    expect(decodeFile(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text)]))).toEqual({
      text,
      encoding: 'utf-8',
    });
  });

  it('reads what is not UTF-8 as Windows-1252, as Dutch Excel saves it', () => {
    const bytes = Buffer.from([0x43, 0x61, 0x66, 0xe9, 0x20, 0x5a, 0x6f, 0xeb, 0x20, 0x80]);
    expect(decodeFile(bytes)).toEqual({ text: 'Café Zoë €', encoding: 'windows-1252' });
  });

  it('follows an encoding given, and says when UTF-8 was asked for and is not there', () => {
    expect(decodeFile(Buffer.from('Café'), 'windows-1252').text).toBe('CafÃ©');
    expect(() => decodeFile(Buffer.from([0xe9]), 'utf-8')).toThrow(
      'not valid UTF-8 (try --encoding windows-1252)',
    );
  });
});

describe('readCsv', () => {
  it('takes the separator from the header row, ignoring separators inside quotes', () => {
    expect(readCsv('"a,b";c\n1;2').map((record) => record.cells)).toEqual([
      ['a,b', 'c'],
      ['1', '2'],
    ]);
  });

  it('numbers each record by the line it starts on, past multi-line cells and blank lines', () => {
    expect(readCsv('a,b\n"x\ny\nz",1\n\n\nlast,2\n').map((record) => record.line)).toEqual([1, 2, 7]);
  });

  it('keeps spaces inside quotes and drops them around separators', () => {
    expect(readCsv('a,b\n  x  ," y "')[1]?.cells).toEqual(['x', ' y ']);
  });
});

describe('formula cells', () => {
  it.each<[string, string]>([
    ['=1+1', "'=1+1"],
    ['+cmd', "'+cmd"],
    ['-2', "'-2"],
    ['@SUM(A1)', "'@SUM(A1)"],
    ['\tx', "'\tx"],
    ["'=x", "''=x"],
    ['+31612345678', '+31612345678'],
    ["'t Hart", "'t Hart"],
    ['Jansen', 'Jansen'],
  ])('%j is written as %j and read back', (cell, written) => {
    expect(neutralized(cell)).toBe(written);
    expect(restored(neutralized(cell))).toBe(cell);
  });
});

describe('csvLine', () => {
  it('quotes cells holding a quote, separator, line end or edge space, and writes nothing for undefined', () => {
    expect(csvLine(['a', 'b,c', 'd"e', 'f\r', ' g', 'h;i', undefined, 3])).toBe(
      'a,"b,c","d""e","f\r"," g","h;i",,3',
    );
  });
});

describe('decodeFile with what Excel saves besides CSV UTF-8', () => {
  it('reads UTF-16 by its byte-order mark, little and big endian', () => {
    const text = 'telefoon;naam\n0612345678;Müller\n';
    const le = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);
    const be = Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from(text, 'utf16le').swap16()]);

    expect([decodeFile(le), decodeFile(be)]).toEqual([
      { text, encoding: 'utf-16' },
      { text, encoding: 'utf-16' },
    ]);
  });

  it('says a file with a UTF-8 byte-order mark over Windows-1252 bytes is one, instead of reading garbage', () => {
    const bytes = Buffer.concat([
      Buffer.from([0xef, 0xbb, 0xbf]),
      Buffer.from('naam\nM\u00fcller\n', 'latin1'),
    ]);
    expect(() => decodeFile(bytes)).toThrow('starts with a UTF-8 byte-order mark but is not UTF-8');
    expect(decodeFile(bytes, 'windows-1252').text).toBe('naam\nMüller\n');
  });
});
