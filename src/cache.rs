//! In-memory caches of public content: the search index, and the data of the busiest public
//! pages. Each entry remembers the content version it was built from (`content_version` in
//! the database, bumped by every edit, in the edit's transaction); a request that sees a newer
//! version rebuilds. So caches are never stale, also with several nodes on one PostgreSQL.

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
}

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
