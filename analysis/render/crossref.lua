-- crossref.lua: Quarto-style cross-references for the rapidrec book.
--
-- Pass 1 (document order) numbers chapters (level-1 headers without
-- .unnumbered; headers with .appendix get letters A, B, ...), numbers figures
-- (#fig-...) and tables (#tbl-...) per chapter ("Figure 2.1") and prefixes
-- their captions, and records #sec-... headers ("Chapter 2", "Section 2.1").
-- Pass 2 replaces citations of fig-/tbl-/sec- ids by links. Unknown ids are
-- reported with pandoc.log.warn (run pandoc with --fail-if-warnings).
-- Must run before --citeproc.

local NBSP = "\u{A0}"
local KINDS = { fig = "Figure", tbl = "Table" }
local is_typst = FORMAT:match("typst") ~= nil

local labels = {}        -- id -> { text = "Figure 1.1", number = "1.1" }
local chapter = nil      -- "2" or "A"; nil inside an unnumbered chapter
local nchapter, nappendix = 0, 0
local in_appendix = false
local counters = {}      -- kind -> count within the current chapter
local sections = {}      -- level -> count within the current chapter

local function record(id, text, number)
  if labels[id] then
    pandoc.log.warn("crossref: duplicate label #" .. id)
  end
  labels[id] = { text = text, number = number or text }
end

local function section_number(level)
  sections[level] = (sections[level] or 0) + 1
  for l = level + 1, 9 do sections[l] = nil end
  local parts = { chapter }
  for l = 2, level do parts[#parts + 1] = tostring(sections[l] or 0) end
  return table.concat(parts, ".")
end

local function on_header(h)
  local numbered = not h.classes:includes("unnumbered")
  local id = h.identifier
  if h.level == 1 then
    counters, sections = {}, {}
    if not numbered then
      chapter = nil
    elseif h.classes:includes("appendix") then
      nappendix = nappendix + 1
      chapter = string.char(64 + nappendix)
    else
      nchapter = nchapter + 1
      chapter = tostring(nchapter)
    end
    if id:match("^sec%-") then
      if chapter then
        local word = h.classes:includes("appendix") and "Appendix" or "Chapter"
        record(id, word .. NBSP .. chapter, chapter)
      else
        record(id, pandoc.utils.stringify(h.content))
      end
    end
    if chapter and h.classes:includes("appendix") then
      h.attributes.number = chapter
      local first = not in_appendix
      in_appendix = true
      if is_typst and first then
        local raw = pandoc.RawBlock("typst",
          '#counter(heading).update(0)\n#set heading(numbering: "A.1")')
        return { raw, h }, false
      end
    end
    return h, false
  end
  if not chapter then
    -- sub-sections of unnumbered chapters stay unnumbered, in HTML and typst
    if not h.classes:includes("unnumbered") then h.classes:insert("unnumbered") end
    if id:match("^sec%-") then record(id, pandoc.utils.stringify(h.content)) end
    return h, false
  end
  if numbered then
    local num = section_number(h.level)
    if in_appendix then h.attributes.number = num end
    if id:match("^sec%-") then record(id, "Section" .. NBSP .. num, num) end
  elseif id:match("^sec%-") then
    record(id, pandoc.utils.stringify(h.content))
  end
  return h, false
end

local function number_float(el, kind)
  local prefix = el.identifier:match("^(%a+)%-")
  if prefix ~= kind then return nil end
  counters[kind] = (counters[kind] or 0) + 1
  local num = chapter and (chapter .. "." .. counters[kind]) or tostring(counters[kind])
  local text = KINDS[kind] .. NBSP .. num
  record(el.identifier, text, num)
  local long = el.caption.long
  if #long == 0 or #long[1].content == 0 then
    el.caption.long = pandoc.Blocks { pandoc.Plain { pandoc.Str(text) } }
  else
    long[1].content:insert(1, pandoc.Space())
    long[1].content:insert(1, pandoc.Str(text .. ":"))
  end
  return el
end

local number_pass = {
  traverse = "topdown",
  Header = on_header,
  Figure = function(f) return number_float(f, "fig") end,
  Table = function(t) return number_float(t, "tbl") end,
}

local function is_xref(id)
  local kind = id:match("^(%a+)%-")
  return kind ~= nil and (kind:lower() == "fig" or kind:lower() == "tbl" or kind:lower() == "sec")
end

local function ref_inlines(cit)
  local id = cit.id:sub(1, 1):lower() .. cit.id:sub(2)
  local entry = labels[id]
  local out = pandoc.Inlines {}
  out:extend(cit.prefix)
  if #cit.prefix > 0 then out:insert(pandoc.Space()) end
  if not entry then
    pandoc.log.warn("crossref: unknown cross-reference @" .. cit.id)
    out:insert(pandoc.Strong { pandoc.Str("?@" .. cit.id) })
  else
    local text = cit.mode == "SuppressAuthor" and entry.number or entry.text
    out:insert(pandoc.Link({ pandoc.Str(text) }, "#" .. id))
  end
  out:extend(cit.suffix)
  return out
end

local link_pass = {
  Cite = function(c)
    local n = 0
    for _, cit in ipairs(c.citations) do
      if is_xref(cit.id) then n = n + 1 end
    end
    if n == 0 then return nil end
    if n < #c.citations then
      pandoc.log.warn("crossref: citation mixes cross-references and bibliography keys: "
        .. pandoc.utils.stringify(c.content))
    end
    local out = pandoc.Inlines {}
    for i, cit in ipairs(c.citations) do
      if i > 1 then
        out:insert(pandoc.Str(i == #c.citations and " and" or ","))
        out:insert(pandoc.Space())
      end
      out:extend(ref_inlines(cit))
    end
    return out
  end,
}

local function typst_setup(meta)
  if not is_typst then return nil end
  local raw = pandoc.RawBlock("typst", "#set figure(numbering: none)")
  local hi = meta["header-includes"]
  if hi == nil then
    meta["header-includes"] = pandoc.MetaList { pandoc.MetaBlocks { raw } }
  elseif pandoc.utils.type(hi) == "List" then
    hi:insert(pandoc.MetaBlocks { raw })
  else
    meta["header-includes"] = pandoc.MetaList { hi, pandoc.MetaBlocks { raw } }
  end
  return meta
end

-- Quarto's conditional content: ::: {.content-visible when-format="html"} (or .content-hidden) keeps its
-- blocks only in (or out of) that format; "pdf" is Typst here
local function format_is(name)
  if name == "html" then return FORMAT:match("html") ~= nil end  -- html5, chunkedhtml (the site)
  if name == "pdf" then return is_typst or FORMAT == "latex" end
  return FORMAT == name
end

local visibility_pass = {
  Div = function(d)
    local when = d.attributes["when-format"]
    if when == nil then return nil end
    local visible = d.classes:includes("content-visible")
    if not visible and not d.classes:includes("content-hidden") then return nil end
    if format_is(when) == visible then return d.content end
    return {}
  end,
}

-- Quarto's fig-alt: the image's alternative text when it differs from the caption (or there is none)
local alt_pass = {
  Image = function(img)
    local alt = img.attributes["fig-alt"]
    if alt == nil then return nil end
    img.attributes["fig-alt"] = nil
    img.caption = pandoc.Inlines { pandoc.Str(alt) }
    return img
  end,
}

-- Quarto's ::: {.landscape}: its blocks on landscape pages of the PDF, as Quarto's own filter does for Typst
-- (quarto-post/landscape.lua); the web page ignores it
local landscape_pass = {
  Div = function(d)
    if not is_typst or not d.classes:includes("landscape") then return nil end
    local out = pandoc.Blocks { pandoc.RawBlock("typst", "#set page(flipped: true)") }
    out:extend(d.content)
    out:insert(pandoc.RawBlock("typst", "#set page(flipped: false)"))
    return out
  end,
}

-- in the PDF, a link to a companion web page beside it (audit.html#..., appendix.html#...) opens that
-- document's PDF (audit.pdf, appendix.pdf), which is beside it too: a PDF reader cannot follow an HTML page.
-- A link from a companion document to a page of the book (index.html, sec-*.html) opens the book's PDF, which
-- the document's metadata names (rapidrec-book-pdf); without that name it is left as text.
local book_pdf = nil
local book_pdf_pass = {
  Meta = function(meta)
    if meta["rapidrec-book-pdf"] ~= nil then book_pdf = pandoc.utils.stringify(meta["rapidrec-book-pdf"]) end
  end,
}

local pdf_links = {
  Link = function(link)
    if not is_typst then return nil end
    local page = link.target:match("^([%w_.-]+)%.html#") or link.target:match("^([%w_.-]+)%.html$")
    if page == nil or page:match("/") then return nil end
    if page == "index" or page:match("^sec%-") then
      if book_pdf == nil then return link.content end
      link.target = book_pdf
      return link
    end
    link.target = page .. ".pdf"
    return link
  end,
}

return {
  visibility_pass,
  landscape_pass,
  alt_pass,
  book_pdf_pass,
  pdf_links,
  number_pass,
  link_pass,
  { Meta = typst_setup },
}
