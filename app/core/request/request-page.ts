/** Where a request's page is (the REST route GET /requests/:id, which browsers get as a page); the requester's messages link to it. */
export const REQUEST_PAGE_PATH = '/requests';

/** The link to a request's page. */
export const requestPageUrl = (publicUrl: string, requestId: string): string =>
  `${publicUrl.replace(/\/+$/, '')}${REQUEST_PAGE_PATH}/${encodeURIComponent(requestId)}`;
