// attack: a ReferenceError among globals with megabyte-long names (the candidate list of the report)
// expect: handled|limit
for (let i = 0; i < 20; i++) globalThis['v'.repeat(1000000) + i] = i;
undefinedName;
