-- The owners' weekly summary is a kind of private message of its own (its own opt-out).
ALTER TYPE "public"."delivery_kind" ADD VALUE 'summary';