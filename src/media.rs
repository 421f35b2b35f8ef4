//! Images: uploads are checked (real JPEG, PNG or WebP, size and dimension limits), turned
//! into one light JPEG variant (at most 480×270) and stored (`crate::storage`, `media/<name>`)
//! with a content-hashed name. Pages only ever load the light variant.

use std::io::Cursor;

use axum::extract::{Path, State};
use axum::http::{HeaderMap, Method};
use axum::response::{IntoResponse, Response};
use sha2::{Digest, Sha256};

use crate::app::App;
use crate::error::{AppError, AppResult};
use crate::storage::{self, Area, Key, Serve};
use crate::store::accounts::UserRow;

/// Largest upload accepted, in bytes.
pub const MAX_UPLOAD: usize = 8 * 1024 * 1024;
const MAX_SIDE: u32 = 8000;

/// Largest side of the variants: covers 480×270, portraits 120×120.
pub const COVER: (u32, u32) = (480, 270);
pub const PORTRAIT: (u32, u32) = (120, 120);

/// The light variant of an uploaded image, within `max` (width, height), or the catalogue
/// key of what is wrong with it.
pub fn light_variant(bytes: &[u8], max: (u32, u32)) -> Result<Vec<u8>, &'static str> {
    if bytes.len() > MAX_UPLOAD {
        return Err("error.image.too_big");
    }
    let mut reader =
        image::ImageReader::new(Cursor::new(bytes)).with_guessed_format().map_err(|_| "error.image.not_an_image")?;
    match reader.format() {
        Some(image::ImageFormat::Jpeg | image::ImageFormat::Png | image::ImageFormat::WebP) => {}
        _ => return Err("error.image.not_an_image"),
    }
    let mut limits = image::Limits::default();
    limits.max_image_width = Some(MAX_SIDE);
    limits.max_image_height = Some(MAX_SIDE);
    limits.max_alloc = Some(256 * 1024 * 1024);
    reader.limits(limits);
    let img = reader.decode().map_err(|e| match e {
        image::ImageError::Limits(_) => "error.image.too_big",
        _ => "error.image.unreadable",
    })?;
    let small = img.thumbnail(max.0, max.1).to_rgb8();
    let mut out = vec![];
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 60)
        .encode_image(&small)
        .map_err(|_| "error.image.unreadable")?;
    Ok(out)
}

/// Makes the light variant and stores it under a content-hashed name; returns the name.
pub(crate) async fn store_variant(app: &App, prefix: &str, bytes: &[u8], max: (u32, u32)) -> AppResult<String> {
    let data = bytes.to_vec();
    let variant = tokio::task::spawn_blocking(move || light_variant(&data, max))
        .await
        .map_err(|e| AppError::Internal(e.into()))?
        .map_err(|k| AppError::field("image", k))?;
    let digest = Sha256::digest(&variant);
    let name =
        format!("{prefix}-{:02x}{:02x}{:02x}{:02x}{:02x}.jpg", digest[0], digest[1], digest[2], digest[3], digest[4]);
    let key = Key::new(Area::Media, &name).ok_or_else(|| AppError::Internal(anyhow::anyhow!("bad name {name}")))?;
    app.storage.put_bytes(&key, variant.into()).await.map_err(|e| AppError::Internal(e.into()))?;
    Ok(name)
}

async fn remove_old(app: &App, old: Option<String>, new: &str) {
    if let Some(key) = old.filter(|o| o != new).and_then(|o| Key::new(Area::Media, &o)) {
        if let Err(e) = app.storage.delete(&key).await {
            tracing::warn!(file = %key, error = %e, "old image not removed");
        }
    }
}

/// Replaces a programme's cover image.
pub async fn set_cover(app: &App, user: &UserRow, slug: &str, bytes: &[u8]) -> AppResult<()> {
    let p = crate::programmes::managed(app, user, slug).await?;
    let name = store_variant(app, &p.slug, bytes, COVER).await?;
    let mut tx = app.db.begin().await?;
    crate::store::programmes::set_cover(&mut tx, p.id, Some(&name)).await?;
    tx.commit().await?;
    remove_old(app, p.cover_image, &name).await;
    Ok(())
}

/// Replaces the portrait of a testimonial's author.
pub async fn set_testimonial_photo(app: &App, user: &UserRow, slug: &str, id: i64, bytes: &[u8]) -> AppResult<()> {
    let p = crate::programmes::managed(app, user, slug).await?;
    let existing = crate::store::programmes::all_testimonials(&app.db, p.id).await?.into_iter().find(|t| t.id == id);
    let Some(t) = existing else { return Err(AppError::NotFound) };
    let name = store_variant(app, &format!("{}-temoin-{id}", p.slug), bytes, PORTRAIT).await?;
    let mut tx = app.db.begin().await?;
    crate::store::programmes::set_testimonial_photo(&mut tx, p.id, id, Some(&name)).await?;
    tx.commit().await?;
    remove_old(app, t.photo, &name).await;
    Ok(())
}

/// `GET /media/{file}`: a stored light variant, cached for good (names change with content).
pub async fn serve(State(app): State<App>, Path(file): Path<String>, method: Method, headers: HeaderMap) -> Response {
    let Some(key) = Key::new(Area::Media, &file) else { return AppError::NotFound.into_response() };
    let how =
        Serve { content_type: "image/jpeg", cache_control: "public, max-age=31536000, immutable", disposition: None };
    storage::serve(&app.storage, &key, &method, &headers, how).await.into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn png(w: u32, h: u32) -> Vec<u8> {
        let img = image::RgbImage::from_fn(w, h, |x, y| image::Rgb([(x % 256) as u8, (y % 256) as u8, 120]));
        let mut out = vec![];
        img.write_to(&mut Cursor::new(&mut out), image::ImageFormat::Png).unwrap();
        out
    }

    #[test]
    fn images_become_a_light_jpeg() {
        let v = light_variant(&png(1600, 900), COVER).unwrap();
        let back = image::load_from_memory(&v).unwrap();
        assert_eq!((back.width(), back.height()), (480, 270));
        assert!(v.len() < 30 * 1024, "light: {} bytes", v.len());
    }

    #[test]
    fn what_is_not_an_image_is_refused() {
        assert_eq!(light_variant(b"<svg onload=alert(1)>", COVER), Err("error.image.not_an_image"));
        assert_eq!(light_variant(b"GIF89a....", COVER), Err("error.image.not_an_image"));
        let mut truncated = png(100, 100);
        truncated.truncate(60);
        assert_eq!(light_variant(&truncated, PORTRAIT), Err("error.image.unreadable"));
        let name = |n: &str| Key::new(Area::Media, n).is_some();
        assert!(!name("../etc/passwd") && !name(".hidden") && name("connexions-citoyennes-0a1b2c3d4e.jpg"));
    }
}
