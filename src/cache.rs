//! In-memory caches of public content: the search index, and the data of the busiest public
//! pages. Each entry remembers the content version it was built from (`content_version` in
//! the database, bumped by every edit, in the edit's transaction); a request that sees a newer
//! version rebuilds. So caches are never stale, also with several nodes on one PostgreSQL.
//!
//! Also what one row's revision keys (a course's structure, read by every page of the course
//! and changed only by its editors): the caller reads the revision with the row, and an entry
//! of another revision is rebuilt.

use std::any::Any;
use std::collections::HashMap;
use std::future::Future;
use std::sync::{Arc, Mutex};

use crate::domain::search_index::{Index, IndexedDoc};
use crate::error::AppResult;
use crate::store::{self, search, Db};

type Entry = (i64, Arc<dyn Any + Send + Sync>);

#[derive(Default)]
pub struct Cache {
    search: Mutex<Option<(i64, Arc<Index>)>>,
    /// Only one rebuild of the index at a time; others wait for it.
    rebuild: tokio::sync::Mutex<()>,
    pages: Mutex<HashMap<String, Entry>>,
    revisioned: Mutex<HashMap<(&'static str, i64), Entry>>,
}

/// Entries kept per kind of revisioned value at most (a course's structure is a few
/// kilobytes: a thousand courses stay under a few megabytes).
const MAX_REVISIONED: usize = 1024;

impl Cache {
    /// The search index of the current content version.
    pub async fn search_index(&self, db: &Db) -> AppResult<Arc<Index>> {
        let version = store::content_version(db).await?;
        if let Some(idx) = self.current_index(version) {
            return Ok(idx);
        }
        let _guard = self.rebuild.lock().await;
        if let Some(idx) = self.current_index(version) {
            return Ok(idx);
        }
        let docs = search::public_docs(db)
            .await?
            .into_iter()
            .map(|d| IndexedDoc {
                id: d.id,
                kind: d.kind,
                title: d.title,
                title_en: d.title_en,
                body: d.body,
                body_en: d.body_en,
                url: d.url,
            })
            .collect();
        let postings = search::public_postings(db).await?;
        let index = Arc::new(
            tokio::task::spawn_blocking(move || Index::build(docs, postings)).await.map_err(|e| anyhow::anyhow!(e))?,
        );
        tracing::info!(version, documents = index.len(), "search index rebuilt");
        *self.search.lock().expect("cache lock") = Some((version, index.clone()));
        Ok(index)
    }

    fn current_index(&self, version: i64) -> Option<Arc<Index>> {
        self.search.lock().expect("cache lock").as_ref().filter(|(v, _)| *v == version).map(|(_, i)| i.clone())
    }

    /// The value of `kind` for row `id` at `revision`, cached, or `make`'s (kept for the next
    /// request at that revision). Two requests that miss together both build it: harmless,
    /// and rarer than a lock on every hit would be costly.
    pub async fn revisioned<T, F>(&self, kind: &'static str, id: i64, revision: i64, make: F) -> AppResult<Arc<T>>
    where
        T: Send + Sync + 'static,
        F: Future<Output = AppResult<T>>,
    {
        if let Some((r, value)) = self.revisioned.lock().expect("cache lock").get(&(kind, id)) {
            if *r == revision {
                if let Ok(t) = value.clone().downcast::<T>() {
                    return Ok(t);
                }
            }
        }
        let value = Arc::new(make.await?);
        let mut entries = self.revisioned.lock().expect("cache lock");
        if entries.len() >= MAX_REVISIONED && !entries.contains_key(&(kind, id)) {
            entries.clear();
        }
        // A slower request may bring an older revision: never replace a newer one with it.
        match entries.get(&(kind, id)) {
            Some((r, _)) if *r > revision => {}
            _ => {
                entries.insert((kind, id), (revision, value.clone() as Arc<dyn Any + Send + Sync>));
            }
        }
        Ok(value)
    }

    /// The value cached under `key` for the current content version, or `make`'s.
    pub async fn page<T, F>(&self, db: &Db, key: String, make: F) -> AppResult<Arc<T>>
    where
        T: Send + Sync + 'static,
        F: Future<Output = AppResult<T>>,
    {
        let version = store::content_version(db).await?;
        if let Some((v, value)) = self.pages.lock().expect("cache lock").get(&key) {
            if *v == version {
                if let Ok(t) = value.clone().downcast::<T>() {
                    return Ok(t);
                }
            }
        }
        let value = Arc::new(make.await?);
        let mut pages = self.pages.lock().expect("cache lock");
        // Keys are few (pages × languages × years); a bound keeps memory flat anyway.
        if pages.len() > 512 {
            pages.clear();
        }
        pages.insert(key, (version, value.clone() as Arc<dyn Any + Send + Sync>));
        Ok(value)
    }
}
