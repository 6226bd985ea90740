//! Decoding, probing, tags, library resolution, check and pre-flight on real files made at
//! test time (WAV with hound, other formats converted with sox).

mod common;

use std::path::Path;

use common::*;
use holdspace_audio::library::resolve;
use holdspace_audio::{check_file, preflight, probe, AudioError, DeviceCheck, Playlist, TrackLocation};

fn set_tags(path: &Path, title: &str, artist: &str) {
    use lofty::config::WriteOptions;
    use lofty::prelude::*;
    use lofty::tag::Tag;
    let mut tagged = lofty::read_from_path(path).expect("read for tagging");
    let kind = tagged.primary_tag_type();
    if tagged.primary_tag().is_none() {
        tagged.insert_tag(Tag::new(kind));
    }
    let tag = tagged.primary_tag_mut().expect("tag");
    tag.set_title(title.to_string());
    tag.set_artist(artist.to_string());
    tagged.save_to_path(path, WriteOptions::default()).expect("save tags");
}

#[test]
fn decodes_wav_flac_ogg_mp3_with_durations() {
    let d = tmp();
    let wav = p(d.path(), "tone ü.wav");
    tone(&wav, 2.5, 440.0, 0.4);
    for (ext, tol_ms) in [("wav", 2u64), ("flac", 2), ("ogg", 30), ("mp3", 80)] {
        let f = p(d.path(), &format!("tone ü.{ext}"));
        if ext != "wav" {
            convert(&wav, &f);
        }
        let info = probe(&f).unwrap_or_else(|e| panic!("{ext}: {e}"));
        println!("{ext}: {} ms, {} Hz, {} ch", info.duration_ms, info.sample_rate, info.channels);
        assert!(info.duration_ms.abs_diff(2500) <= tol_ms, "{ext}: {} ms", info.duration_ms);
        assert_eq!(info.sample_rate, 44100, "{ext}");
        assert_eq!(info.channels, 2, "{ext}");
    }
    // Other rates and mono are reported as they are.
    let mono = p(d.path(), "mono.flac");
    sox(&[wav.to_str().expect("utf8"), "-r", "48000", "-c", "1", mono.to_str().expect("utf8")]);
    let info = probe(&mono).expect("mono");
    assert_eq!((info.sample_rate, info.channels), (48000, 1));
    assert!(info.duration_ms.abs_diff(2500) <= 2);
}

#[test]
fn tags_are_read_with_lofty() {
    let d = tmp();
    let wav = p(d.path(), "t.wav");
    tone(&wav, 1.0, 440.0, 0.4);
    for ext in ["flac", "ogg", "mp3"] {
        let f = p(d.path(), &format!("t.{ext}"));
        convert(&wav, &f);
        set_tags(&f, "Spiegel im Spiegel", "Arvo Pärt");
        let info = probe(&f).expect("probe");
        assert_eq!(info.title.as_deref(), Some("Spiegel im Spiegel"), "{ext}");
        assert_eq!(info.artist.as_deref(), Some("Arvo Pärt"), "{ext}");
    }
}

#[test]
fn seeking_lands_where_asked_in_every_format_even_after_an_id3_tag() {
    use holdspace_audio::decode::{decode_all, decode_from};
    // 1 s of 300 Hz, then 1 s of 600 Hz, then 1 s of 900 Hz: the frequency tells the position.
    let d = tmp();
    let wav = p(d.path(), "steps.wav");
    write_wav(&wav, 3 * RATE as usize, |i| {
        let f = 300.0 * (1 + i / RATE as usize) as f64;
        let v = 0.3 * (2.0 * std::f64::consts::PI * f * i as f64 / RATE as f64).sin() as f32;
        (v, v)
    });
    let crossings = |x: &[f32], ch: usize, rate: u32, secs: f64| {
        let n = (secs * rate as f64) as usize;
        let left: Vec<f32> = x.chunks(ch).take(n).map(|f| f[0]).collect();
        left.windows(2).filter(|w| w[0] < 0.0 && w[1] >= 0.0).count() as f64 / secs
    };
    for ext in ["wav", "flac", "ogg", "mp3", "m4a"] {
        let f = p(d.path(), &format!("steps.{ext}"));
        match ext {
            "wav" => {}
            "m4a" => {
                let out = std::process::Command::new("ffmpeg")
                    .args(["-loglevel", "error", "-y", "-i", wav.to_str().expect("utf8"), "-c:a", "aac", f.to_str().expect("utf8")])
                    .output()
                    .expect("ffmpeg: `make setup-test` installs it");
                assert!(out.status.success());
            }
            _ => convert(&wav, &f),
        }
        if ext == "mp3" {
            set_tags(&f, "Steps", "Test"); // an ID3v2 tag in front of the frames
            assert_eq!(&std::fs::read(&f).expect("read")[..3], b"ID3");
        }
        let (x, rate, ch) = decode_from(&f, std::time::Duration::from_millis(2200)).unwrap_or_else(|e| panic!("{ext}: {e}"));
        let hz = crossings(&x, ch as usize, rate, 0.5);
        let left = x.len() as f64 / ch as f64 / rate as f64;
        let (all, _, _) = decode_all(&f).expect("decode");
        let total = all.len() as f64 / ch as f64 / rate as f64;
        println!("{ext}: after seeking to 2.2 s, {hz:.0} Hz and {left:.3} s left of {total:.3} s");
        assert!((hz - 900.0).abs() < 10.0, "{ext}: {hz} Hz");
        assert!((left - (total - 2.2)).abs() < 0.03, "{ext}: {left} s left of {total}");
    }
}

#[test]
fn bad_files_fail_clearly() {
    let d = tmp();
    let missing = p(d.path(), "nope.flac");
    assert!(matches!(probe(&missing), Err(AudioError::NotFound { .. })));
    let junk = p(d.path(), "junk.mp3");
    std::fs::write(&junk, vec![7u8; 5000]).expect("write");
    let e = probe(&junk).expect_err("junk must fail");
    assert!(e.to_string().contains("junk.mp3"), "{e}");
    let empty = p(d.path(), "empty.wav");
    std::fs::write(&empty, b"").expect("write");
    assert!(probe(&empty).is_err());
}

fn write_playlist(dir: &Path, body: &str) -> std::path::PathBuf {
    let f = dir.join("my list.toml");
    std::fs::write(&f, format!("title = \"Mine\"\ncrossfade_seconds = 0\ntarget_minutes = 1\n\n[[phases]]\nname = \"settle\"\n{body}")).expect("write");
    f
}

fn track_toml(path: &str, title: &str, artist: &str, secs: f64) -> String {
    format!("\n[[phases.tracks]]\npath = \"{path}\"\ntitle = \"{title}\"\nartist = \"{artist}\"\nduration_seconds = {secs}\n")
}

#[test]
fn library_reports_found_moved_and_missing() {
    let d = tmp();
    let music = d.path().join("Music Library");
    std::fs::create_dir_all(music.join("Stars of the Lid/And Their Refinement")).expect("mkdir");
    std::fs::create_dir_all(music.join("New Place")).expect("mkdir");
    std::fs::create_dir_all(music.join("Elsewhere")).expect("mkdir");
    let found = music.join("Stars of the Lid/And Their Refinement/01 Dopo Il Tramonto.wav");
    tone(&found, 1.0, 440.0, 0.3);
    let moved_by_name = music.join("New Place/Ünïcode name.wav");
    tone(&moved_by_name, 1.0, 440.0, 0.3);
    let wav = d.path().join("x.wav");
    tone(&wav, 3.0, 440.0, 0.3);
    let by_tags = music.join("Elsewhere/track 07.flac");
    convert(&wav, &by_tags);
    set_tags(&by_tags, "Fratres", "Arvo Pärt");
    let mut body = String::new();
    body += &track_toml("Stars of the Lid/And Their Refinement/01 Dopo Il Tramonto.wav", "Dopo Il Tramonto", "Stars of the Lid", 1.0);
    body += &track_toml("Old Place/Ünïcode name.wav", "Uni", "X", 1.0);
    body += &track_toml("Pärt/Tabula Rasa/02 Fratres.flac", "Fratres", "Arvo Pärt", 3.5);
    body += &track_toml("Gone/Never There.flac", "Never There", "Nobody", 200.0);
    let pl_file = write_playlist(d.path(), &body);
    let pl = Playlist::load(&pl_file).expect("valid playlist");
    let r = resolve(&pl, &pl_file, &music);
    assert_eq!((r.found, r.moved, r.missing), (1, 2, 1), "{:#?}", r.tracks);
    assert_eq!(r.tracks[0].location, TrackLocation::Found { path: found.clone() });
    assert_eq!(r.tracks[1].location, TrackLocation::Moved { path: moved_by_name.clone(), matched_by: "file name".into() });
    assert_eq!(r.tracks[2].location, TrackLocation::Moved { path: by_tags.clone(), matched_by: "tags".into() });
    assert_eq!(r.tracks[3].location, TrackLocation::Missing);
    let q = r.queue();
    assert_eq!(q.tracks.len(), 3);

    // Pre-flight: one missing, 5 s of music for a 1-minute plan.
    let items = preflight(&r, 1.0, DeviceCheck::Skip);
    let text: Vec<String> = items.iter().map(|i| format!("{} {}: {}", if i.ok { "ok" } else { "NO" }, i.name, i.reason)).collect();
    println!("{}", text.join("\n"));
    assert_eq!(items.len(), 4);
    assert!(!items[0].ok && items[0].reason.contains("Never There"));
    assert!(items[1].ok);
    assert!(items[2].ok, "{}", items[2].reason);
    assert!(!items[3].ok && items[3].reason.contains("0:55 short"), "{}", items[3].reason);
}

/// Cut a file to `keep` of its size (a download that stopped, a disk that filled).
fn truncate(path: &Path, keep: f64) {
    let len = std::fs::metadata(path).expect("meta").len();
    std::fs::OpenOptions::new().write(true).open(path).and_then(|f| f.set_len((len as f64 * keep) as u64)).expect("truncate");
}

#[test]
fn preflight_counts_decoded_length_and_names_truncated_tracks() {
    use holdspace_audio::loudness::{analyse, LoudnessCache, MemoryLoudnessCache};
    use holdspace_audio::{decoded_length, preflight_with_cache, LoudnessKey};
    let d = tmp();
    let music = d.path().join("music");
    std::fs::create_dir_all(&music).expect("mkdir");
    let wav = p(d.path(), "src.wav");
    tone(&wav, 30.0, 440.0, 0.3);
    let whole = music.join("whole.flac");
    convert(&wav, &whole);
    let (mp3, flac) = (music.join("cut.mp3"), music.join("cut.flac"));
    // VBR, so the file carries a Xing header with its frame count (as most MP3s do).
    sox(&[wav.to_str().expect("utf8"), "-C", "-4.2", mp3.to_str().expect("utf8")]);
    convert(&wav, &flac);
    truncate(&mp3, 0.1);
    truncate(&flac, 0.1);
    // The headers still claim 30 s; decoding finds about 3 s.
    for f in [&mp3, &flac] {
        let (dec, header) = decoded_length(f).expect("decodes what is there");
        println!("{}: header {header:?} s, decodes to {dec:.2} s", f.display());
        assert!(header.is_some_and(|h| (h - 30.0).abs() < 0.2), "{header:?}");
        assert!(dec > 1.0 && dec < 6.0, "{dec}");
        assert!(probe(f).expect("probe").duration_ms >= 29_800, "the header is what probe reports");
    }
    let body = track_toml("whole.flac", "Whole", "A", 30.0) + &track_toml("cut.mp3", "Cut MP3", "A", 30.0) + &track_toml("cut.flac", "Cut FLAC", "A", 30.0);
    let pl_file = d.path().join("cut.toml");
    std::fs::write(&pl_file, format!("title = \"Cut\"\ncrossfade_seconds = 0\nmusic_folder = \"music\"\n\n[[phases]]\nname = \"settle\"\n{body}")).expect("write");
    let pl = Playlist::load(&pl_file).expect("valid");
    let r = resolve(&pl, &pl_file, &music);
    assert_eq!(r.found, 3, "{:#?}", r.tracks);
    // The headers add up to 90 s, a 1.2-minute plan would pass on them; decoded, 36 s do not.
    let cache = MemoryLoudnessCache::new();
    let items = preflight_with_cache(&r, 1.2, DeviceCheck::Skip, Some(&cache));
    let text: Vec<String> = items.iter().map(|i| format!("{} {}: {}", if i.ok { "ok" } else { "NO" }, i.name, i.reason)).collect();
    println!("{}", text.join("\n"));
    assert!(items[1].ok, "they decode");
    assert!(!items[2].ok);
    assert!(items[2].reason.contains("Cut MP3: header says 0:30, decodes to 0:0"), "{}", items[2].reason);
    assert!(items[2].reason.contains("Cut FLAC: header says 0:30, decodes to 0:0"), "{}", items[2].reason);
    assert!(!items[2].reason.contains("Whole"));
    assert!(!items[3].ok && items[3].reason.contains("short"), "{}", items[3].reason);
    // The decoded lengths are now in the cache beside the loudness; the same answer without it.
    let key = LoudnessKey::for_path(&flac).expect("key");
    let cached = cache.get(&key).expect("cached").decoded_seconds.expect("decoded length cached");
    assert!((cached - decoded_length(&flac).expect("len").0).abs() < 1e-9);
    let cancel = std::sync::atomic::AtomicBool::new(false);
    assert_eq!(analyse(&flac, &cancel, |_| {}).expect("analyse").decoded_seconds, Some(cached));
    let again = preflight(&r, 1.2, DeviceCheck::Skip);
    assert_eq!(again[2].reason, items[2].reason);
    // The cheap check (the last seconds of a long file) agrees with decoding it all, for whole
    // files in every format, and falls back to decoding all of a truncated one.
    let whole_mp3 = music.join("whole.mp3");
    sox(&[wav.to_str().expect("utf8"), "-C", "-4.2", whole_mp3.to_str().expect("utf8")]);
    let whole_ogg = music.join("whole.ogg");
    convert(&wav, &whole_ogg);
    for f in [&whole, &whole_mp3, &whole_ogg, &wav, &mp3, &flac] {
        let (quick, _) = holdspace_audio::checked_length(f).expect("checked");
        let (full, _) = decoded_length(f).expect("decoded");
        println!("{}: checked {quick:.3} s, decoded {full:.3} s", f.display());
        assert!((quick - full).abs() < 0.05, "{}: {quick} vs {full}", f.display());
    }
}

#[test]
fn check_reports_summary_and_problems() {
    let d = tmp();
    let body = track_toml("a b/ç.wav", "One", "A", 61.0) + &track_toml("c.wav", "Two", "B", 59.0);
    let f = write_playlist(d.path(), &body);
    let s = check_file(&f).expect("valid");
    assert_eq!(s.to_string(), format!("{}: 2 tracks, 2:00, phases: settle 2:00 (2)", f.display()));

    let bad = d.path().join("bad.toml");
    std::fs::write(&bad, "title = \"x\"\ncrossfade_seconds = \"slow\"\n").expect("write");
    let e = check_file(&bad).expect_err("invalid");
    assert_eq!(e.len(), 1);
    assert!(e[0].to_string().starts_with(&format!("{}:2: ", bad.display())), "{}", e[0]);

    let m3u = d.path().join("old list.m3u");
    std::fs::write(&m3u, "\u{feff}#EXTM3U\r\n#EXTINF:120,A - One\r\nmusic/one.flac\r\nhttps://stream.example/x\r\n").expect("write");
    let e = check_file(&m3u).expect_err("url");
    assert_eq!(e[0].to_string(), format!("{}:4: unsupported URL https://stream.example/x: Holdspace plays local files only (it works offline)", m3u.display()));

    let m3u8 = d.path().join("ok list.m3u8");
    std::fs::write(&m3u8, "#EXTM3U\n#EXTINF:120,A - One\nmusic/one.flac\n\nmusic/two.flac\n").expect("write");
    let s = check_file(&m3u8).expect("valid m3u8");
    assert_eq!(s.to_string(), format!("{}: 2 tracks, 2:00 (+1 without length)", m3u8.display()));
}

#[test]
fn shipped_playlists_are_valid() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../playlists");
    let mut n = 0;
    for entry in std::fs::read_dir(&dir).expect("playlists dir") {
        let path = entry.expect("entry").path();
        if path.extension().is_some_and(|e| e == "toml") {
            let s = check_file(&path).unwrap_or_else(|e| panic!("{e:?}"));
            println!("{s}");
            n += 1;
        }
    }
    assert!(n >= 2, "expected the IM and sublingual playlists");
    let demo = check_file(&dir.join("demo/demo.toml")).expect("demo");
    println!("{demo}");
    // The session playlists are shaped per the clinical reference: at least the planned
    // length, building after 10-15 minutes, and a calm return of at least 20 minutes.
    for name in ["im-60.toml", "sublingual-90.toml"] {
        let pl = Playlist::load(&dir.join(name)).expect("valid");
        let target = pl.target_minutes.expect("target") as f64 * 60.0;
        assert!(pl.total_seconds() >= target, "{name} shorter than its target");
        let mut t = 0.0;
        let mut build_at = None;
        for ph in &pl.phases {
            if ph.name == "build" {
                build_at = Some(t);
            }
            t += ph.tracks.iter().map(|x| x.duration_seconds).sum::<f64>();
        }
        let build_at = build_at.expect("build phase") / 60.0;
        assert!((10.0..=30.0).contains(&build_at), "{name}: build starts at {build_at} min");
        let ret = pl.phases.last().expect("phases");
        assert_eq!(ret.name, "return");
        let ret_secs: f64 = ret.tracks.iter().map(|x| x.duration_seconds).sum();
        assert!(ret_secs >= 20.0 * 60.0, "{name}: return lasts {ret_secs} s");
    }
}

#[test]
fn loudness_analysis_measures_caches_and_cancels() {
    use holdspace_audio::loudness::{analyse, analyse_all, gain_for, LoudnessCache, MemoryLoudnessCache};
    use std::sync::atomic::{AtomicBool, Ordering};
    let d = tmp();
    let loud = p(d.path(), "loud one.wav");
    let quiet = p(d.path(), "quiet.flac");
    tone(&loud, 3.0, 1000.0, 0.5);
    let qw = p(d.path(), "quiet.wav");
    tone(&qw, 3.0, 1000.0, 0.05);
    convert(&qw, &quiet);
    let cancel = AtomicBool::new(false);
    let mut seen = Vec::new();
    let l = analyse(&loud, &cancel, |f| seen.push(f)).expect("analyse");
    // A full-scale-minus-6-dB 1 kHz sine on both channels reads about -6 LUFS, peak about -6 dBTP.
    assert!((l.integrated_lufs - -6.0).abs() < 0.3, "{l:?}");
    assert!((l.true_peak_dbtp - -6.0).abs() < 0.3, "{l:?}");
    assert_eq!(seen.last().copied(), Some(1.0));
    assert!(seen.windows(2).all(|w| w[1] >= w[0]));
    assert!((gain_for(&l, -23.0, -1.0) - -17.0).abs() < 0.3);

    let cache = MemoryLoudnessCache::new();
    let results = analyse_all(&[loud.clone(), quiet.clone()], &cache, &cancel, |_, _, _| {});
    assert!(results.iter().all(|(_, r)| r.is_ok()));
    assert_eq!(cache.len(), 2);
    let q = cache.get(&holdspace_audio::LoudnessKey::for_path(&quiet).expect("key")).expect("cached");
    assert!((l.integrated_lufs - q.integrated_lufs - 20.0).abs() < 0.3, "{q:?}");

    cancel.store(true, Ordering::Relaxed);
    assert!(matches!(analyse(&loud, &cancel, |_| {}), Err(AudioError::Cancelled)));
}

#[test]
fn m3u8_must_be_utf8_and_only_legacy_m3u_may_be_latin1() {
    use holdspace_audio::read_m3u;
    let d = tmp();
    let bytes = b"#EXTM3U\n#EXTINF:60,A - One\nMusik/Fr\xfchling.mp3\n".to_vec();
    let m3u8 = p(d.path(), "list.m3u8");
    std::fs::write(&m3u8, &bytes).expect("write");
    let e = read_m3u(&m3u8).expect_err("latin-1 in .m3u8");
    assert_eq!(e.len(), 1);
    assert_eq!(e[0].line, 3);
    assert!(e[0].to_string().contains("byte 9 of line 3 (0xFC)"), "{}", e[0]);
    let m3u = p(d.path(), "list.m3u");
    std::fs::write(&m3u, &bytes).expect("write");
    let entries = read_m3u(&m3u).expect("legacy .m3u read as Latin-1");
    assert!(entries[0].path.ends_with("Musik/Frühling.mp3"), "{:?}", entries[0].path);
    // Playlists too name the line and byte.
    let toml = p(d.path(), "bad.toml");
    std::fs::write(&toml, b"title = \"Caf\xe9\"\n").expect("write");
    let e = Playlist::load(&toml).expect_err("latin-1 toml");
    assert!(e[0].to_string().starts_with(&format!("{}:1: not UTF-8 text: byte 13 of line 1 (0xE9)", toml.display())), "{}", e[0]);
}

#[test]
fn m3u8_import_problems_name_the_m3u_line_and_the_audio_file() {
    use holdspace_audio::m3u::import;
    let d = tmp();
    let music = d.path().join("music");
    std::fs::create_dir_all(&music).expect("mkdir");
    tone(&music.join("good.wav"), 1.0, 440.0, 0.3);
    std::fs::write(music.join("wavpack.wv"), b"wvpk\x00\x00\x00\x00garbage").expect("write");
    let list = music.join("list.m3u8");
    // Lines: 1 header, 2 good without EXTINF, 3 blank, 4 missing, 5 EXTINF, 6 wavpack, 7 EXTINF too long, 8 file
    std::fs::write(&list, "#EXTM3U\ngood.wav\n\ngone.flac\n#EXTINF:-1,X - Y\nwavpack.wv\n#EXTINF:99999999,A - B\ngood.wav\n").expect("write");
    let e = import(&list, None, &music).expect_err("problems");
    let text: Vec<String> = e.iter().map(|p| p.to_string()).collect();
    println!("{}", text.join("\n"));
    let f = list.display();
    assert_eq!(text.len(), 3, "{text:?}");
    assert!(text[0].starts_with(&format!("{f}:4: gone.flac: no #EXTINF length, and the audio file is not there")), "{}", text[0]);
    assert!(text[1].starts_with(&format!("{f}:6: wavpack.wv: no #EXTINF length, and the audio file cannot be decoded (the file is a WavPack file")), "{}", text[1]);
    assert!(text[2].starts_with(&format!("{f}:8: good.wav: length 99999999 s is outside 0.5 s to 24 hours")), "{}", text[2]);
    // Every line number is one of the M3U file's (it has 8).
    assert!(e.iter().all(|p| p.line >= 1 && p.line <= 8));
    // A clean file imports, lengths probed where #EXTINF has none.
    std::fs::write(&list, "#EXTM3U\ngood.wav\n#EXTINF:120,A - B\ngood.wav\n").expect("write");
    let pl = import(&list, Some("Mine"), &music).expect("imports");
    assert_eq!(pl.title, "Mine");
    assert_eq!(pl.phases[0].tracks.len(), 2);
    assert!((pl.phases[0].tracks[0].duration_seconds - 1.0).abs() < 0.01);
    assert_eq!(pl.phases[0].tracks[1].duration_seconds, 120.0);
}

#[test]
fn impossible_numbers_and_control_characters_are_refused_with_field_and_range() {
    let cases = [
        ("duration_seconds = 1e308", "duration_seconds must be from 0.5 s to 86400 s"),
        ("duration_seconds = 1e-7", "duration_seconds must be from 0.5 s to 86400 s"),
        ("duration_seconds = 90000", "duration_seconds must be from 0.5 s to 86400 s"),
    ];
    for (dur, want) in cases {
        let text = format!("title = \"T\"\n[[phases]]\nname = \"settle\"\n[[phases.tracks]]\npath = \"a.flac\"\ntitle = \"A\"\nartist = \"B\"\n{dur}\n");
        let e = Playlist::parse(&text, "p.toml").expect_err(dur);
        assert!(e.iter().any(|p| p.line == 8 && p.message.contains(want)), "{dur}: {e:?}");
    }
    for t in ["1e-300", "1e300", "0.5"] {
        let text = format!("title = \"T\"\ntarget_minutes = {t}\n[[phases]]\nname = \"settle\"\n[[phases.tracks]]\npath = \"a.flac\"\ntitle = \"A\"\nartist = \"B\"\nduration_seconds = 60\n");
        let e = Playlist::parse(&text, "p.toml").expect_err(t);
        assert!(e.iter().any(|p| p.line == 2 && p.message.contains("target_minutes must be from 1 to 1440")), "{t}: {e:?}");
    }
    for (name, want) in [("a\\u0000b", "NUL"), ("\\u001b[31mred", "escape"), ("abc\\u202Edef", "text-direction override (U+202E)")] {
        let text = format!("title = \"T\"\n[[phases]]\nname = \"settle\"\n[[phases.tracks]]\npath = \"a.flac\"\ntitle = \"{name}\"\nartist = \"B\"\nduration_seconds = 60\n");
        let e = Playlist::parse(&text, "p.toml").expect_err(name);
        assert!(e.iter().any(|p| p.line == 6 && p.message.contains("track title contains") && p.message.contains(want)), "{name}: {e:?}");
    }
}
