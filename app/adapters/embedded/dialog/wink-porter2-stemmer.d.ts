// The package ships no types; its whole API is one function (English Snowball / Porter2 stemmer).
declare module 'wink-porter2-stemmer' {
  function stem(word: string): string;
  export = stem;
}
