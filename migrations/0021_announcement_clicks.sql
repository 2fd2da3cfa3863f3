-- A member opened a link of an announcement (through the /l/ redirect): its reach counts clicks.
ALTER TYPE "public"."behaviour_kind" ADD VALUE 'announcement_click';