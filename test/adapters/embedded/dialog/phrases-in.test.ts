import { asciiLower, phrasePattern, phrasesIn, wholeWords } from '../../../../app/adapters/embedded/dialog/text';

/**
 * phrasesIn stands in for running every phrase's regex: whatever a phrase's regex would match, it
 * must offer that phrase, in the phrases' own order; it may offer more, never fewer.
 */
describe('phrasesIn', () => {
  const phrases = ['sand box', 'sandbox', 'prod', 'production', 'reason:', 'for the … team', 'e.g. this', 'Démos', 'OU'];
  const offered = (text: string) => phrasesIn(phrases, (p) => p)(asciiLower(text));

  it('offers the phrases all of whose words the text has, in their order', () => {
    expect(offered('a Sand-box for prod, for the payments team')).toEqual(['sand box', 'prod', 'reason:', 'for the … team', 'Démos']);
    expect(offered('nothing here')).toEqual(['reason:', 'Démos']);
  });

  it('does not offer a phrase for words that only contain its words (no whole-word match either)', () => {
    expect(offered('sandboxes and products in the OUs for teams')).toEqual(['reason:', 'Démos']);
  });

  it('offers every phrase for text that is not plain ASCII, where lower case may differ from the regexes’ case-folding', () => {
    expect(offered('un compte pour l’équipe')).toEqual(phrases);
  });

  it('never leaves out a phrase whose regex matches (checked against the regexes themselves)', () => {
    const texts = [
      'Sandbox in OU Demos',
      'I need PROD.',
      'production, please',
      'sand box!',
      'ou: sandbox-team',
      'x prod_y',
      '42 sandbox',
      'For the data-platform team',
      'reason: e.g. this one',
    ];
    for (const text of texts) {
      const matching = phrases.filter((p) => new RegExp(p.includes('…') ? phrasePattern(p) : wholeWords(p), 'iu').test(text));
      expect(offered(text)).toEqual(expect.arrayContaining(matching));
    }
  });
});
