// Package dataset moves Convivo's people and homes in and out of files, and
// makes believable synthetic ones.
//
// Generate builds a deterministic synthetic programme for `convivo seed`:
// beneficiaries followed by the CSM and SerDP services, co-residents
// (students, older people), IESA hosts, the social workers and mediators of
// each district, and the IESA households, shared flats and cohousings they
// can live in. Everything comes from a seeded PCG generator, so one seed
// always gives the same data.
//
// The formats are JSON, one document {"people": [...], "homes": [...]}, and
// CSV, one file per kind (people.csv, homes.csv) whose columns PeopleColumns
// and HomesColumns describe; FORMATS.md is the same description as tables.
// Readers are all-or-nothing: they check every row and, if any is bad,
// return an *ImportError that lists every problem with its line. They check
// each record on its own and references within what they read; Dataset.Refs
// and Dataset.CheckRefs let the caller resolve the rest against a store.
//
// The package does no storage I/O: values in, values out.
package dataset
