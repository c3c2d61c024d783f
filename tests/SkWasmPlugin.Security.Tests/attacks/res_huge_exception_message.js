// attack: throw an Error with a 30 MB message to blow up the result
// expect: handled|limit
// stderr-max: 40000
throw new Error('A'.repeat(30000000));
