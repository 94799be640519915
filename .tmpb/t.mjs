const f = process.argv[2]; const t0 = performance.now(); await import(f); console.log(f.split('/').pop(), (performance.now() - t0).toFixed(1));
