//! Glob patterns for `divergences.toml`: `*` matches any run of characters (within one path
//! component for scenario paths), `**` any run including `/`, `?` one character.

/// Matches a whole path: `*` and `?` stop at `/`, `**` crosses it.
pub fn path_matches(pattern: &str, path: &str) -> bool {
    let p: Vec<char> = pattern.chars().collect();
    let t: Vec<char> = path.chars().collect();
    matches(&p, &t, true)
}

/// Matches a whole text: `*` matches anything.
pub fn text_matches(pattern: &str, text: &str) -> bool {
    let p: Vec<char> = pattern.chars().collect();
    let t: Vec<char> = text.chars().collect();
    matches(&p, &t, false)
}

fn matches(p: &[char], t: &[char], path: bool) -> bool {
    // Memoised on (pattern index, text index): patterns are short, texts are short.
    let mut memo = vec![vec![None; t.len() + 1]; p.len() + 1];
    go(p, t, 0, 0, path, &mut memo)
}

fn go(
    p: &[char],
    t: &[char],
    i: usize,
    j: usize,
    path: bool,
    memo: &mut Vec<Vec<Option<bool>>>,
) -> bool {
    if let Some(r) = memo[i][j] {
        return r;
    }
    let r = if i == p.len() {
        j == t.len()
    } else if p[i] == '*' {
        let double = i + 1 < p.len() && p[i + 1] == '*';
        let next = if double { i + 2 } else { i + 1 };
        // `**/` also matches no directory at all.
        let skip_slash = double && next < p.len() && p[next] == '/';
        let crosses = double || !path;
        let mut k = j;
        let mut found = skip_slash && go(p, t, next + 1, j, path, memo);
        loop {
            if found {
                break;
            }
            if go(p, t, next, k, path, memo) {
                found = true;
                break;
            }
            if k == t.len() || (!crosses && t[k] == '/') {
                break;
            }
            k += 1;
        }
        found
    } else if j < t.len() && (p[i] == t[j] || (p[i] == '?' && !(path && t[j] == '/'))) {
        go(p, t, i + 1, j + 1, path, memo)
    } else {
        false
    };
    memo[i][j] = Some(r);
    r
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths() {
        assert!(path_matches("scenarios/**", "scenarios/a/b.yaml"));
        assert!(path_matches(
            "**/connecting.yaml",
            "scenarios/setsockopt/connecting.yaml"
        ));
        assert!(path_matches("**/connecting.yaml", "connecting.yaml"));
        assert!(path_matches("scenarios/*/b.yaml", "scenarios/a/b.yaml"));
        assert!(!path_matches("scenarios/*.yaml", "scenarios/a/b.yaml"));
        assert!(path_matches("scenarios/**/*.yaml", "scenarios/b.yaml"));
        assert!(path_matches("scenarios/a/?.yaml", "scenarios/a/b.yaml"));
        assert!(!path_matches("scenarios/a", "scenarios/a/b.yaml"));
    }

    #[test]
    fn texts() {
        assert!(text_matches(
            "setsockopt(*, SOL_SOCKET, SO_KEEPALIVE, *)",
            "setsockopt(u, SOL_SOCKET, SO_KEEPALIVE, &(DWORD){1}, 4)"
        ));
        assert!(text_matches("*", ""));
        assert!(text_matches("wine-*", "wine-8.0"));
        assert!(!text_matches("wine-*", "windows-10.0.1"));
        assert!(text_matches(
            "tcp_keep*.unavailable",
            "tcp_keepcnt.unavailable"
        ));
    }
}
