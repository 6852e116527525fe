// `npm start`: the main job on the local sandbox. The enforcement-run issue makes it real.
console.log('cvpn-guard: the sandbox demo arrives with the enforcement run (issue 4).');
