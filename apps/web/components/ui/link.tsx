"use client";
import NextLink from "next/link";
import { useRouter } from "next/navigation";
import type { ComponentProps } from "react";

/**
 * `next/link` that prefetches its page when the pointer or the keyboard focus comes to it,
 * not when it scrolls into view. Every console page is rendered for its user, so viewport
 * prefetching had the server render a page for each link in sight (the sidebar's 17, each
 * row of a table) on every page load, while the browser was drawing the page itself.
 */
export function Link({ href, prefetch, onMouseEnter, onFocus, onTouchStart, ...rest }: ComponentProps<typeof NextLink>) {
  const router = useRouter();
  const url = typeof href === "string" ? href : null;
  const intent = () => {
    // as next/link: prefetching only in production builds (in development each would compile the page)
    if (process.env.NODE_ENV === "production" && prefetch !== false && url?.startsWith("/")) router.prefetch(url);
  };
  return (
    <NextLink
      href={href}
      prefetch={false}
      onMouseEnter={(e) => {
        intent();
        onMouseEnter?.(e);
      }}
      onFocus={(e) => {
        intent();
        onFocus?.(e);
      }}
      onTouchStart={(e) => {
        intent();
        onTouchStart?.(e);
      }}
      {...rest}
    />
  );
}
