//! Static files at `/` (`writ serve --www DIR`): the playground page of `www/`,
//! served from a directory so that it can be rebuilt without rebuilding `writ`.
//!
//! GET and HEAD only; a path is percent-decoded and refused (404) if any segment
//! is empty after the first, `.` or `..`, or holds a backslash or NUL, so nothing
//! outside the directory is reachable; symbolic links inside it are followed
//! (the directory is the operator's). A directory answers its `index.html`.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderName, HeaderValue, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};

use super::App;
use super::http::{Failure, not_found};

/// The fallback route: a file under `--www`, else `serve.not_found`.
pub(crate) async fn serve(State(app): State<Arc<App>>, request: Request) -> Response {
    let Some(root) = app.config.www.as_deref() else {
        return not_found().await.into_response();
    };
    let method = request.method();
    if method != Method::GET && method != Method::HEAD {
        return not_found().await.into_response();
    }
    let head = method == Method::HEAD;
    let Some(file) = resolve(root, request.uri().path()) else {
        return not_found().await.into_response();
    };
    match tokio::task::spawn_blocking(move || read(&file)).await {
        Ok(Ok(Some((bytes, kind)))) => {
            let length = bytes.len();
            let body = if head {
                Body::empty()
            } else {
                Body::from(bytes)
            };
            let mut response = Response::new(body);
            let headers = response.headers_mut();
            headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(kind));
            headers.insert(header::CONTENT_LENGTH, HeaderValue::from(length));
            // Rebuilt in place while served: always revalidate.
            headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
            headers.insert(
                HeaderName::from_static("x-content-type-options"),
                HeaderValue::from_static("nosniff"),
            );
            response
        }
        Ok(Ok(None)) => not_found().await.into_response(),
        Ok(Err(error)) => Failure::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "serve.www_unreadable",
            format!("cannot read a file of --www: {error}"),
        )
        .into_response(),
        Err(error) => Failure::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "serve.www_unreadable",
            format!("reading a file of --www failed: {error}"),
        )
        .into_response(),
    }
}

/// The file a request path names under `root`, or `None` for a path that
/// could leave it.
fn resolve(root: &Path, path: &str) -> Option<PathBuf> {
    let decoded = percent_decode(path)?;
    let relative = decoded.strip_prefix('/')?;
    let mut file = root.to_path_buf();
    let segments: Vec<&str> = relative.split('/').collect();
    let last = segments.len() - 1;
    for (index, segment) in segments.iter().enumerate() {
        // A trailing slash leaves one empty last segment: the directory itself.
        if segment.is_empty() && index == last {
            break;
        }
        if segment.is_empty()
            || *segment == "."
            || *segment == ".."
            || segment.contains(['\\', '\0'])
        {
            return None;
        }
        file.push(segment);
    }
    Some(file)
}

/// A file's bytes and media type; a directory's `index.html`; `None` if absent.
fn read(file: &Path) -> std::io::Result<Option<(Vec<u8>, &'static str)>> {
    let file = if file.is_dir() {
        file.join("index.html")
    } else {
        file.to_path_buf()
    };
    match std::fs::read(&file) {
        Ok(bytes) => Ok(Some((bytes, media_type(&file)))),
        Err(error)
            if matches!(
                error.kind(),
                std::io::ErrorKind::NotFound | std::io::ErrorKind::NotADirectory
            ) =>
        {
            Ok(None)
        }
        Err(error) => Err(error),
    }
}

fn media_type(file: &Path) -> &'static str {
    match file.extension().and_then(|extension| extension.to_str()) {
        Some("html") => "text/html; charset=utf-8",
        Some("js" | "mjs") => "text/javascript; charset=utf-8",
        Some("css") => "text/css; charset=utf-8",
        Some("json" | "map") => "application/json",
        Some("wasm") => "application/wasm",
        Some("svg") => "image/svg+xml",
        Some("png") => "image/png",
        Some("ico") => "image/x-icon",
        Some("txt" | "md") => "text/plain; charset=utf-8",
        Some("ts") => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    }
}

/// `%XX` decoded; `None` for a malformed escape or a result that is not UTF-8.
fn percent_decode(path: &str) -> Option<String> {
    let mut bytes = path.bytes();
    let mut out = Vec::with_capacity(path.len());
    while let Some(byte) = bytes.next() {
        if byte == b'%' {
            let high = char::from(bytes.next()?).to_digit(16)?;
            let low = char::from(bytes.next()?).to_digit(16)?;
            out.push(u8::try_from(high * 16 + low).ok()?);
        } else {
            out.push(byte);
        }
    }
    String::from_utf8(out).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_stay_inside_the_directory() {
        let root = Path::new("/srv/www");
        assert_eq!(resolve(root, "/"), Some(PathBuf::from("/srv/www")));
        assert_eq!(
            resolve(root, "/writ/web.js"),
            Some(PathBuf::from("/srv/www/writ/web.js"))
        );
        assert_eq!(
            resolve(root, "/a%20b.json"),
            Some(PathBuf::from("/srv/www/a b.json"))
        );
        for hostile in [
            "/../etc/passwd",
            "/%2e%2e/etc/passwd",
            "/a/../../x",
            "/a/./b",
            "//etc/passwd",
            "/a%5c..%5cb",
            "/a%00b",
            "/%zz",
            "/%c3",
            "relative",
        ] {
            assert_eq!(resolve(root, hostile), None, "{hostile}");
        }
    }

    #[test]
    fn media_types_by_extension() {
        assert_eq!(media_type(Path::new("x/writ_bg.wasm")), "application/wasm");
        assert_eq!(
            media_type(Path::new("index.html")),
            "text/html; charset=utf-8"
        );
        assert_eq!(media_type(Path::new("LICENSE")), "application/octet-stream");
    }
}
