// `npm run bench`: the benchmark arrives with issue 7.
console.log('cvpn-guard bench: not written yet (issue 7).');
